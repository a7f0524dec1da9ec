import { describe, expect, it } from 'vitest';
import type { StreamLog } from '../../src-preload/contract';
import { MAX_STREAM_LOG_BYTES, boundStreamLog } from './StreamLogStore';
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
    expect(storage.bytes).toBe(JSON.stringify(log(3)).length + JSON.stringify(log(5)).length);
    expect(store.streamLogs.prune(JSON.stringify(log(5)).length)).toBe(1);
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
});
