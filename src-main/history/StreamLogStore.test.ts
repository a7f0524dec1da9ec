import { describe, expect, it } from 'vitest';
import type { StreamLog } from '../../src-preload/contract';
import { ResponseRecording } from '../streaming/responseRecording';
import { SSE_END, sseChunk, streamOver } from '../streaming/testSupport';
import { MAX_STREAM_LOG_BYTES, boundStreamLog, encodeStoredLog } from './StreamLogStore';
import { seedChat, useFreshStore } from './testSupport';

const fresh = useFreshStore();

describe('stream logs', () => {
  const log = (entries: number, size = 100): StreamLog => ({
    request: {
      providerName: 'p',
      url: 'https://x',
      model: 'm',
      parameters: {},
      messageCount: 1,
      body: '{}',
      headers: {},
    },
    response: { status: 200, headers: {} },
    metrics: {},
    entries: Array.from({ length: entries }, (_, i) => ({
      at: i,
      type: 'event',
      event: '',
      id: '',
      data: 'd'.repeat(size),
    })),
    truncated: false,
    keyEnvVar: 'OPENAI_API_KEY',
  });

  it('saves, reads, measures and prunes logs', () => {
    const store = fresh.current;
    const { ids } = seedChat(store.repo, 2);
    expect(store.streamLogs.save(ids[1] ?? '', log(3))).toMatchObject({ truncated: false });
    store.streamLogs.save(ids[3] ?? '', log(5));
    expect(store.streamLogs.get(ids[1] ?? '')?.entries).toHaveLength(3);
    expect(store.repo.getMessage(ids[1] ?? '').hasStreamLog).toBe(true);
    expect(store.repo.getMessage(ids[0] ?? '').hasStreamLog).toBe(false);
    const storage = store.streamLogs.storage();
    expect(storage.messages).toBe(2);
    expect(storage.bytes).toBe(encodeStoredLog(log(3)).length + encodeStoredLog(log(5)).length);
    expect(store.streamLogs.prune(encodeStoredLog(log(5)).length)).toBe(1);
    expect(store.streamLogs.get(ids[1] ?? '')).toBeNull();
    expect(store.streamLogs.get(ids[3] ?? '')).not.toBeNull();
    expect(store.streamLogs.prune()).toBe(1);
    expect(store.streamLogs.storage()).toEqual({ bytes: 0, messages: 0 });
  });

  it('bounds a log to 8 MB by dropping the last entries', () => {
    const store = fresh.current;
    const { ids } = seedChat(store.repo, 1);
    const big = log(10_000, 1000);
    const saved = store.streamLogs.save(ids[1] ?? '', big);
    expect(saved.truncated).toBe(true);
    expect(saved.bytes).toBeLessThanOrEqual(MAX_STREAM_LOG_BYTES);
    const read = store.streamLogs.get(ids[1] ?? '');
    expect(read?.truncated).toBe(true);
    expect(read?.entries.length).toBeGreaterThan(1000);
    expect(read?.entries[0]?.at).toBe(0);
    const tiny = boundStreamLog({ ...big, request: { ...big.request, body: 'b'.repeat(5000) } }, 1000);
    expect(Buffer.byteLength(tiny.text)).toBeLessThanOrEqual(1000);
  });

  it('stores entries packed and reads them back as they were, also from a log stored as JSON before', () => {
    const store = fresh.current;
    const { ids } = seedChat(store.repo, 2);
    const mixed: StreamLog = {
      ...log(0),
      entries: [
        { at: 1.5, type: 'comment', event: '', id: '', data: ' OPENROUTER PROCESSING' },
        {
          at: 2,
          type: 'event',
          event: 'message',
          id: '7',
          data: '{"choices":[{"delta":{"content":"こんにちは 👋\\n"}}]}',
        },
        { at: 3, type: 'event', event: '', id: '', data: '' },
        { at: 4, type: 'error-body', event: '', id: '', data: 'line one\nline two' },
        { at: 5, type: 'event', event: '', id: '8', data: '[DONE]' },
      ],
    };
    store.streamLogs.save(ids[1]!, mixed);
    expect(store.streamLogs.get(ids[1]!)).toEqual(mixed);
    const packed = store.streamLogs.getPacked(ids[1]!)!;
    expect(packed.entries.types).toBe('ceexe');
    expect(packed.entries.named).toEqual([
      [1, 'message', '7'],
      [4, '', '8'],
    ]);

    // A log saved before the packed form: one JSON object.
    store.opened.db
      .prepare('INSERT INTO stream_logs (message_id, log, bytes, created_at) VALUES (?, ?, ?, ?)')
      .run(ids[3]!, JSON.stringify(mixed), 1, 1);
    expect(store.streamLogs.get(ids[3]!)).toEqual(mixed);
    expect(store.streamLogs.getPacked(ids[3]!)).toEqual(packed);
  });

  it('stores a reply as the text it came as, and reads it back as the entries the stream had', async () => {
    const store = fresh.current;
    const { ids } = seedChat(store.repo, 3);
    const storedAs = (messageId: string): string =>
      (store.opened.db.prepare('SELECT log FROM stream_logs WHERE message_id = ?').get(messageId) as { log: string })
        .log;
    const { entries: _none, truncated: _unset, ...header } = log(0);

    const reads = [
      ': hi\n\n',
      sseChunk({ content: 'こんにちは' }).slice(0, 40),
      sseChunk({ content: 'こんにちは' }).slice(40) + SSE_END,
    ];
    const stream = streamOver(reads);
    for await (const event of stream) void event;
    store.streamLogs.save(ids[1]!, { ...header, recording: stream.recording });
    expect(storedAs(ids[1]!)).toMatch(/^nagare-stream-log\/3\n/);
    expect(store.streamLogs.get(ids[1]!)).toEqual({ ...header, entries: stream.entries, truncated: false });

    // A server that echoed the key: entries, scrubbed, are stored instead.
    const echo = streamOver([sseChunk({ content: 'sk-fake-0123456789abcdef' }) + SSE_END]);
    for await (const event of echo) void event;
    store.streamLogs.save(ids[3]!, { ...header, recording: echo.recording });
    expect(storedAs(ids[3]!)).toMatch(/^nagare-stream-log\/2\n/);
    expect(storedAs(ids[3]!)).not.toContain('sk-fake-0123456789abcdef');
    expect(store.streamLogs.get(ids[3]!)?.entries).toEqual(echo.entries);

    // Text over the bound: its first entries are stored, marked truncated.
    const big = new ResponseRecording({ maxLogChars: 64 * 1024 * 1024, maxEventChars: 4096 }, '');
    const event = new TextEncoder().encode(`data: ${'y'.repeat(1000)}\n\n`);
    for (let i = 0; i < 9_000; i++) big.keep(event, i);
    const saved = store.streamLogs.save(ids[5]!, { ...header, recording: big });
    expect(saved).toMatchObject({ truncated: true });
    expect(saved.bytes).toBeLessThanOrEqual(MAX_STREAM_LOG_BYTES);
    const read = store.streamLogs.get(ids[5]!)!;
    expect(read.truncated).toBe(true);
    expect(read.entries.length).toBeGreaterThan(7_000);
    expect(read.entries[7_000]).toEqual({ at: 7_000, type: 'event', event: 'message', id: '', data: 'y'.repeat(1000) });
  });
});
