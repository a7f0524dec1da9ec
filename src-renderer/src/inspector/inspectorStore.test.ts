// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RawStreamEntry, StreamLog } from '../../../src-preload/contract';
import { POLL_INTERVAL_MS, useInspectorStore } from '../stores/inspector';
import { fail, installFakeNagare, ok } from '../testing/fakeNagare';

const delta = (at: number, content: string): RawStreamEntry => ({
  at,
  type: 'event',
  event: '',
  id: '',
  data: JSON.stringify({ choices: [{ delta: { content } }] }),
});

function logWith(entries: RawStreamEntry[], done = false): StreamLog {
  return {
    request: {
      providerName: 'p',
      url: 'https://x.test/v1/chat/completions',
      model: 'm',
      parameters: {},
      messageCount: 1,
      body: '{}',
      headers: {},
    },
    response: { status: 200, headers: {} },
    metrics: done ? { durationMs: entries.at(-1)?.at ?? 0 } : {},
    entries,
    truncated: false,
    keyEnvVar: 'OPENAI_API_KEY',
  };
}

/** A fake main whose log for `m1` grows by one entry per call. */
function installGrowingBridge(finishAfter = Infinity) {
  let calls = 0;
  installFakeNagare({
    inspector: {
      log: () => {
        calls++;
        const entries = Array.from({ length: calls }, (_, index) => delta(index * 10, String(index)));
        return ok(logWith(entries, calls >= finishAfter));
      },
      saveStream: () => fail({ code: 'missing', message: 'No log for this message.' }),
    },
  });
  return { calls: () => calls };
}

beforeEach(() => {
  setActivePinia(createPinia());
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('useInspectorStore', () => {
  it('polls a live reply until the caller says it ended, then fetches once more and stops', async () => {
    const bridge = installGrowingBridge();
    const store = useInspectorStore();
    await store.show('m1', true);
    expect(store.eventCount).toBe(1);
    expect(store.polling).toBe(true);

    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3);
    expect(bridge.calls()).toBe(4);
    expect(store.merge?.text).toBe('0123');

    await store.show('m1', false);
    expect(store.polling).toBe(false);
    expect(store.eventCount).toBe(5);
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 5);
    expect(bridge.calls()).toBe(5);
  });

  it('stops polling by itself once main reports the reply finished', async () => {
    const bridge = installGrowingBridge(3);
    const store = useInspectorStore();
    await store.show('m1', true);
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 10);
    expect(bridge.calls()).toBe(3);
    expect(store.polling).toBe(false);
  });

  it('does not poll a finished reply, keeps the path across logs, and reports errors as data', async () => {
    const bridge = installGrowingBridge();
    const store = useInspectorStore();
    store.path = 'choices[0].delta.reasoning_content';
    await store.show('m1', false);
    await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 3);
    expect(bridge.calls()).toBe(1);
    expect(store.path).toBe('choices[0].delta.reasoning_content');
    expect(store.merge?.used).toBe(0);

    expect(await store.save()).toBeNull();
    expect(store.error).toEqual({ code: 'missing', message: 'No log for this message.' });
  });

  it('builds a cURL command without the key and forgets everything on reset', async () => {
    installGrowingBridge();
    const store = useInspectorStore();
    await store.show('m1', true);
    expect(store.curl).toContain('$OPENAI_API_KEY');
    store.reset();
    expect(store.log).toBeNull();
    expect(store.polling).toBe(false);
    expect(store.curl).toBe('');
  });
});
