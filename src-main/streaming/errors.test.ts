import { describe, expect, it } from 'vitest';
import {
  errorFromException,
  errorFromResponse,
  errorFromWrongContentType,
  extractProviderMessage,
  parseRetryAfter,
  scrubSecrets,
  StreamError,
} from './errors';

describe('parseRetryAfter', () => {
  it('reads delta-seconds and HTTP-dates', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('1.5', now)).toBe(2);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter('-5', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('extractProviderMessage', () => {
  it('finds the message in the shapes providers use', () => {
    expect(extractProviderMessage('{"error":{"message":"Invalid model","type":"x"}}')).toBe('Invalid model');
    expect(extractProviderMessage('{"message":"Not allowed"}')).toBe('Not allowed');
    expect(extractProviderMessage('{"detail":"Bad things"}')).toBe('Bad things');
    expect(extractProviderMessage('{"detail":[{"msg":"field required"},{"msg":"too long"}]}')).toBe(
      'field required; too long',
    );
    expect(extractProviderMessage('{"error":"model not found"}')).toBe('model not found');
    expect(extractProviderMessage('[{"error":{"message":"Gemini says no"}}]')).toBe('Gemini says no');
    expect(extractProviderMessage('{"error":{"message":"","metadata":{"raw":"upstream said no"}}}')).toBe(
      'upstream said no',
    );
    expect(extractProviderMessage('<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head></html>')).toBe(
      '502 Bad Gateway',
    );
    expect(extractProviderMessage('plain text failure')).toBe('plain text failure');
    expect(extractProviderMessage('   ')).toBeUndefined();
  });

  it('truncates long messages', () => {
    const long = extractProviderMessage(JSON.stringify({ error: { message: 'x'.repeat(5000) } })) ?? '';
    expect(long.length).toBeLessThanOrEqual(300);
    expect(long.endsWith('…')).toBe(true);
  });
});

describe('errorFromResponse', () => {
  it.each([
    [401, 'auth'],
    [403, 'auth'],
    [404, 'not_found'],
    [429, 'rate_limited'],
    [400, 'bad_request'],
    [413, 'bad_request'],
    [422, 'bad_request'],
    [500, 'server'],
    [502, 'server'],
    [503, 'server'],
  ] as const)('classifies %i as %s', (status, code) => {
    const error = errorFromResponse({ status, body: '{"error":{"message":"said so"}}', retryAfter: '5' });
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
    expect(error.message).toContain('said so');
    expect(error.retryAfterSeconds).toBe(status === 429 ? 5 : undefined);
  });

  it('hints at the base URL or model for 404', () => {
    expect(errorFromResponse({ status: 404, body: '' }).message).toMatch(/base URL.*model/);
  });
});

describe('errorFromWrongContentType', () => {
  it('names an HTML page by its title', () => {
    const e = errorFromWrongContentType(200, 'text/html', '<html><head><title>Login</title></head></html>');
    expect(e.code).toBe('protocol');
    expect(e.message).toMatch(/HTML page.*Login/);
  });
});

describe('errorFromException', () => {
  const withCause = (code: string): TypeError => Object.assign(new TypeError('fetch failed'), { cause: { code } });
  it.each([
    [withCause('ECONNREFUSED'), 'network', /refused/],
    [withCause('ENOTFOUND'), 'network', /resolved/],
    [withCause('CERT_HAS_EXPIRED'), 'network', /TLS/],
    [withCause('UND_ERR_CONNECT_TIMEOUT'), 'timeout', /Timed out/],
    [new Error('net::ERR_NAME_NOT_RESOLVED'), 'network', /resolved/],
    [new Error('net::ERR_TIMED_OUT'), 'timeout', /Timed out/],
    [new TypeError('terminated'), 'network', /closed before/],
  ])('classifies %s', (error, code, message) => {
    const e = errorFromException(error, 'api.example.com');
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });
});

describe('StreamError', () => {
  it('serializes to the contract shape without partial text', () => {
    const e = new StreamError('rate_limited', 'slow down', { status: 429, retryAfterSeconds: 3, partialText: 'abc' });
    expect(e.toShape()).toEqual({ code: 'rate_limited', message: 'slow down', status: 429, retryAfterSeconds: 3 });
    expect(e.partialText).toBe('abc');
  });

  it('scrubs keys and bearer tokens from messages', () => {
    const key = 'sk-abc/def+123';
    expect(scrubSecrets(`bad key ${key} and ${encodeURIComponent(key)}`, [key])).toBe(
      'bad key [redacted] and [redacted]',
    );
    expect(scrubSecrets('header was Bearer sk-other-999', [])).toBe('header was Bearer [redacted]');
    const e = new StreamError('auth', `Incorrect API key provided: ${key}`, { status: 401, partialText: 'p' }).scrubbed(
      [key],
    );
    expect(e.message).not.toContain(key);
    expect(e).toMatchObject({ code: 'auth', status: 401, partialText: 'p' });
  });
});
