import { describe, expect, it } from 'vitest';
import { redact, REDACTED, Redactor } from './redact';

const KEY = 'my-stored-azure-key-0123456789';

function flat(value: unknown): string {
  return JSON.stringify(value);
}

describe('redact', () => {
  it('blanks credential headers at any depth and in any case', () => {
    const out = redact({
      request: {
        headers: {
          Authorization: 'Bearer abc.def',
          'API-KEY': 'azure-123',
          'x-Api-Key': 'anthropic-456',
          Cookie: 'session=789',
          'Content-Type': 'application/json',
        },
      },
      list: [{ authorization: 'Basic dXNlcjpwYXNz' }],
    });
    expect(out).toEqual({
      request: {
        headers: {
          Authorization: REDACTED,
          'API-KEY': REDACTED,
          'x-Api-Key': REDACTED,
          Cookie: REDACTED,
          'Content-Type': 'application/json',
        },
      },
      list: [{ authorization: REDACTED }],
    });
  });

  it('blanks token, password and secret fields in any spelling, and keeps token counts', () => {
    const out = redact({
      token: 't-1',
      accessToken: 't-2',
      refresh_token: 't-3',
      'Client-Secret': 's-1',
      secret: 's-2',
      dbPassword: 'p-1',
      PASSWORD: 'p-2',
      passwd: 'p-3',
      usage: { tokens: 42, maxTokens: 1000, completionTokens: 7, tokensPerSecond: 12.5 },
    });
    expect(out).toEqual({
      token: REDACTED,
      accessToken: REDACTED,
      refresh_token: REDACTED,
      'Client-Secret': REDACTED,
      secret: REDACTED,
      dbPassword: REDACTED,
      PASSWORD: REDACTED,
      passwd: REDACTED,
      usage: { tokens: 42, maxTokens: 1000, completionTokens: 7, tokensPerSecond: 12.5 },
    });
  });

  it('blanks credential headers of a fetch Headers object and a Map', () => {
    const headers = new Headers({ authorization: 'Bearer zzz-token', accept: 'text/event-stream' });
    expect(redact({ headers, map: new Map([['x-api-key', 'k-1']]) })).toEqual({
      headers: { authorization: REDACTED, accept: 'text/event-stream' },
      map: { 'x-api-key': REDACTED },
    });
  });

  it.each([
    ['sent with Bearer eyJhbGciOi.J9xyz_-abc', 'sent with Bearer [REDACTED]'],
    ['bearer lower-case-token', 'Bearer [REDACTED]'],
    ['key sk-proj-AbC123_def-456xyz leaked', 'key [REDACTED] leaked'],
    ['old style sk-abcdefghijklmnopqrstuvwxyz0123', 'old style [REDACTED]'],
    ['Authorization: Basic dXNlcjpwYXNz', 'Authorization: [REDACTED]'],
    ['{"x-api-key":"abc123"}', '{"x-api-key":"[REDACTED]"}'],
    ['https://example.test/v1/models?key=AIzaSyD-123&alt=sse', 'https://example.test/v1/models?key=[REDACTED]&alt=sse'],
    ['a task-list and a disk-cache are fine', 'a task-list and a disk-cache are fine'],
    ['gemini key AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q in text', 'gemini key [REDACTED] in text'],
    ['proxy https://alice:s3cr3t@proxy.example:8080/x', 'proxy https://[REDACTED]@proxy.example:8080/x'],
    ['clone https://ghp_token123@github.com/a/b.git', 'clone https://[REDACTED]@github.com/a/b.git'],
    ['password=hunter2&user=bob', 'password=[REDACTED]&user=bob'],
    [
      '{"client_secret":"abc-123","refresh_token": "r-9"}',
      '{"client_secret":"[REDACTED]","refresh_token": "[REDACTED]"}',
    ],
    [
      'max_tokens: 100, tokens=5, a secretary and mailto:a@b.example',
      'max_tokens: 100, tokens=5, a secretary and mailto:a@b.example',
    ],
  ])('scrubs the string %j', (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  it('removes every known key value anywhere: messages, fields, keys, arrays', () => {
    const out = redact({ note: `the key is ${KEY}!`, nested: [{ deep: `x${KEY}y` }], [KEY]: 1, other: 'short-k' }, [
      KEY,
      'short-k',
      '',
    ]);
    expect(flat(out)).not.toContain(KEY);
    expect(flat(out)).not.toContain('short-k');
    expect(out).toEqual({
      note: `the key is ${REDACTED}!`,
      nested: [{ deep: `x${REDACTED}y` }],
      [REDACTED]: 1,
      other: REDACTED,
    });
  });

  it('removes known keys that contain regular-expression characters', () => {
    const key = 'a+b*c?(d)[e]$^.|\\';
    expect(redact(`pre ${key} post`, [key])).toBe(`pre ${REDACTED} post`);
  });

  it('scrubs Error messages, stacks, own fields and causes', () => {
    const cause = new Error(`upstream said: invalid key ${KEY}`);
    const error = Object.assign(new Error(`request failed with Bearer ${KEY}`, { cause }), {
      status: 401,
      headers: { 'x-api-key': 'abc' },
    });
    const out = redact({ error }, [KEY]) as { error: Record<string, unknown> };
    expect(flat(out)).not.toContain(KEY);
    expect(out.error).toMatchObject({
      name: 'Error',
      message: `request failed with Bearer ${REDACTED}`,
      status: 401,
      headers: { 'x-api-key': REDACTED },
      cause: { message: `upstream said: invalid key ${REDACTED}` },
    });
    expect(out.error['stack']).toEqual(expect.stringContaining('request failed with Bearer [REDACTED]'));
  });

  it('makes any value JSON-safe: cycles, bigints, functions, buffers, dates, URLs', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const out = redact({
      cyclic,
      big: 10n,
      fn: function send() {},
      buffer: Buffer.from('secret bytes'),
      when: new Date(0),
      url: new URL(`https://api.test/v1?api_key=${KEY}`),
      missing: undefined,
    });
    expect(() => JSON.stringify(out)).not.toThrow();
    expect(out).toEqual({
      cyclic: { name: 'loop', self: '[Circular]' },
      big: '10',
      fn: '[Function send]',
      buffer: '[Buffer of 12 bytes]',
      when: '1970-01-01T00:00:00.000Z',
      url: `https://api.test/v1?api_key=${REDACTED}`,
    });
  });

  it('survives a getter that throws', () => {
    const hostile = {
      get boom(): string {
        throw new Error('no');
      },
    };
    expect(redact({ hostile })).toEqual({ hostile: { unreadable: true } });
  });

  it('keeps the same object seen twice (not a cycle)', () => {
    const shared = { a: 1 };
    expect(new Redactor([]).value({ x: shared, y: shared })).toEqual({ x: { a: 1 }, y: { a: 1 } });
  });
});
