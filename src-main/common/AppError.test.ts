import { describe, expect, it } from 'vitest';
import { HistoryError } from '../history/errors';
import { SecretsError } from '../secrets/SecretsService';
import { KeychainUnavailableError } from '../secrets/SecretStore';
import { StreamError } from '../streaming/errors';
import { AppError, expectedErrorShape, toErrorShape } from './AppError';

describe('AppError', () => {
  it('is the one base of every error a service reports, and each one crosses as its shape', () => {
    const errors = [
      new AppError('missing', 'Gone.'),
      new StreamError('rate_limited', 'Slow down.', { status: 429, retryAfterSeconds: 3, partialText: 'so far' }),
      new HistoryError('storage', 'The disk is full.', { cause: new Error('SQLITE_FULL at /home/me/nagare.db') }),
      new SecretsError('no_key', 'No API key is set.'),
      new KeychainUnavailableError({ reason: 'locked', platform: 'linux' }),
    ];
    for (const error of errors) expect(error).toBeInstanceOf(AppError);
    expect(errors.map((error) => toErrorShape(error))).toEqual([
      { code: 'missing', message: 'Gone.' },
      { code: 'rate_limited', message: 'Slow down.', status: 429, retryAfterSeconds: 3 },
      { code: 'storage', message: 'The disk is full.' },
      { code: 'no_key', message: 'No API key is set.' },
      { code: 'keychain_unavailable', message: errors[4]!.message },
    ]);
  });

  it('keeps the cause for the log but never puts it, or the partial text, in the shape', () => {
    const shape = toErrorShape(
      new StreamError('network', 'Cut off.', { cause: new Error('secret path'), partialText: 'x' }),
    );
    expect(JSON.stringify(shape)).not.toMatch(/secret path|partialText/);
  });

  it('does not trust look-alikes: anything not an AppError is a bug, answered without its details', () => {
    const lookAlike = Object.assign(new Error('SELECT * FROM secrets'), { code: 'storage' });
    expect(expectedErrorShape(lookAlike)).toBeNull();
    expect(
      expectedErrorShape({ code: 'missing', message: 'duck', toShape: () => ({ code: 'missing', message: 'duck' }) }),
    ).toBeNull();
    expect(toErrorShape(lookAlike)).toEqual({
      code: 'internal',
      message: 'Something went wrong inside Nagare. The details are in the log.',
    });
    expect(toErrorShape('thrown string', 'storage').code).toBe('storage');
  });
});
