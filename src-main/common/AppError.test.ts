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
      { code: 'keychain_unavailable', message: errors[4]!.message, reason: 'keychain_locked' },
    ]);
  });

  it('carries the facts the renderer needs to say a failure in the UI language, apart from the message', () => {
    const error = new StreamError('rate_limited', 'Rate limited (429).', {
      status: 429,
      retryAfterSeconds: 5,
      host: 'api.example.com',
      serverMessage: 'You exceeded your quota',
      reason: undefined,
    });
    expect(toErrorShape(error)).toEqual({
      code: 'rate_limited',
      message: 'Rate limited (429).',
      status: 429,
      retryAfterSeconds: 5,
      host: 'api.example.com',
      serverMessage: 'You exceeded your quota',
    });
  });

  it('removes a key the server echoed from its quoted words as well as from the message', () => {
    const key = 'sk-echoed-secret-1234';
    const error = new StreamError('auth', `Bad key ${key}`, { serverMessage: `Incorrect API key: ${key}` });
    const shape = error.scrubbed([key]).toShape();
    expect(JSON.stringify(shape)).not.toContain(key);
    expect(shape.serverMessage).toBe('Incorrect API key: [redacted]');
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
