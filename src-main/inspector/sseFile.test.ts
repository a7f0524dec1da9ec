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
