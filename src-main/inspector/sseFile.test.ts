import { describe, expect, it } from 'vitest';
import type { StreamLog } from '../../src-preload/contract/types';
import { parseSseFile, serializeSseFile } from './sseFile';

const log: StreamLog = {
  request: {
    providerName: 'Mock',
    url: 'http://127.0.0.1:1/v1/chat/completions',
    model: 'mock-1',
    parameters: { temperature: 0.2 },
    messageCount: 1,
    body: '{"stream":true}',
    headers: { 'content-type': 'application/json' },
  },
  response: { status: 200, headers: { 'content-type': 'text/event-stream' } },
  metrics: { timeToFirstByteMs: 5, durationMs: 40 },
  entries: [
    { at: 5, type: 'comment', event: '', id: '', data: 'OPENROUTER PROCESSING' },
    { at: 7, type: 'event', event: 'message', id: '', data: '{"choices":[{"delta":{"content":"Hi"}}]}' },
    { at: 9, type: 'event', event: 'custom', id: '42', data: 'line one\nline two' },
    { at: 11, type: 'event', event: 'message', id: '42', data: '[DONE]' },
  ],
  truncated: false,
  keyEnvVar: 'OPENAI_API_KEY',
};

describe('sse files', () => {
  it('round-trips a log: entries, timing and metadata', () => {
    const text = serializeSseFile(log);
    expect(parseSseFile(new TextEncoder().encode(text), 'x.sse')).toEqual(log);
  });

  it('reads a plain event stream from another tool, in order', () => {
    const text = 'data: {"a":1}\n\n: keep-alive\n\nevent: ping\ndata: x\n\ndata: unterminated';
    const parsed = parseSseFile(new TextEncoder().encode(text), 'other.sse');
    expect(parsed.entries.map((entry) => [entry.type, entry.event, entry.data])).toEqual([
      ['event', 'message', '{"a":1}'],
      ['comment', '', 'keep-alive'],
      ['event', 'ping', 'x'],
    ]);
    expect(parsed.request.providerName).toBe('other.sse');
  });

  it('keeps an error body apart from events', () => {
    const withError: StreamLog = {
      ...log,
      entries: [{ at: 3, type: 'error-body', event: '', id: '', data: '<html>502</html>' }],
    };
    const parsed = parseSseFile(new TextEncoder().encode(serializeSseFile(withError)), 'e.sse');
    expect(parsed.entries).toEqual(withError.entries);
  });
});

describe('sse file metadata', () => {
  const withMeta = (meta: string) => new TextEncoder().encode(`: nagare-meta ${meta}\n\ndata: {"a":1}\n\n`);

  it.each([
    ['{"keyEnvVar": 42}', /keyEnvVar/],
    ['{"request": 5}', /request/],
    ['{"response": {"status": "200", "headers": {}}}', /response\.status/],
    [
      '{"request": {"providerName": "x", "url": "u", "model": "m", "parameters": {}, "messageCount": 1, "body": "", "headers": {"a": 1}}}',
      /request\.headers\.a/,
    ],
    ['{"keyEnvVar": "$(rm -rf ~)"}', /keyEnvVar/],
    ['{"truncated": ', /not valid JSON/],
  ])('refuses %s with a clear, typed error', (meta, mentions) => {
    let caught: unknown;
    try {
      parseSseFile(withMeta(meta), 'crafted.sse');
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'import_invalid', message: expect.stringContaining('“crafted.sse”') });
    expect((caught as Error).message).toMatch(mentions);
  });

  it('accepts metadata with parts left out or extra fields, and drops the extras', () => {
    const parsed = parseSseFile(
      withMeta('{"truncated": true, "extra": {"x": 1}, "metrics": {"tokens": 3}}'),
      'old.sse',
    );
    expect(parsed).toMatchObject({ truncated: true, metrics: { tokens: 3 }, keyEnvVar: 'OPENAI_API_KEY' });
    expect(parsed).not.toHaveProperty('extra');
    expect(parsed.request.providerName).toBe('old.sse');
    expect(parsed.entries).toHaveLength(1);
  });
});
