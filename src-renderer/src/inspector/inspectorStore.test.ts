// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RawStreamEntry, StreamLog } from '../../../src-preload/contract';
import { packStreamLog } from '../../../src-preload/contract/packedStreamLog';
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
        return ok(packStreamLog(logWith(entries, calls >= finishAfter)));
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

  it('holds no per-entry data after the panel closes: the log, its figures and its merge can all be collected', async () => {
    const gc = collectGarbage();
    const fake = installFakeNagare({
      inspector: {
        log: () =>
          ok(
            packStreamLog(
              logWith(
                Array.from({ length: 5_000 }, (_, index) => delta(index, `w${index} `)),
                true,
              ),
            ),
          ),
      },
    });
    const store = useInspectorStore();
    await store.show('m1');
    await vi.runAllTimersAsync();
    expect(store.merge?.complete).toBe(true);
    expect(store.merge?.text).toMatch(/^w0 w1 .* w4999 $/);
    expect(store.metrics?.events).toBe(5_000);
    expect(store.extractionAt(10)?.value).toBe('w10 ');

    // What the panel held, reached only through weak references from here on.
    const held = {
      log: new WeakRef(store.log!),
      entries: new WeakRef(store.log!.entries),
      entry: new WeakRef(store.log!.entries[4_000]!),
      merge: new WeakRef(store.merge!),
      metrics: new WeakRef(store.metrics!),
      series: new WeakRef(store.metrics!.series),
    };
    store.reset();
    // The fake bridge records what it answered; main's copy would be gone after the IPC answer.
    fake.api.inspector.log.mockClear();

    expect([store.log, store.merge, store.metrics, store.curl, store.eventCount]).toEqual([null, null, null, '', 0]);
    expect(store.extractionAt(10)).toBeUndefined();
    await vi.runAllTimersAsync();
    gc();
    for (const [name, reference] of Object.entries(held)) expect(reference.deref(), name).toBeUndefined();
  });

  it('reads a long log between frames, and a growing log only for its new entries', async () => {
    let length = 20_000;
    installFakeNagare({
      inspector: { log: () => ok(packStreamLog(logWith(Array.from({ length }, (_, index) => delta(index, 'x'))))) },
    });
    const store = useInspectorStore();
    // A clock that moves 1 ms each time it is read: a slice then reads READ_SLICE_MS batches, whatever the machine.
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => ++clock);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      await store.show('m1', true);
      // Nothing is read before the panel can paint: main's figures show, the counts and the merge follow.
      expect(store.merge).toMatchObject({ complete: false, processed: 0 });
      expect(store.metrics).toMatchObject({ complete: false, events: 0 });
      expect(parse).not.toHaveBeenCalled();
      await vi.advanceTimersToNextFrame();
      expect(store.merge!.processed).toBe(0);
      let slices = 0;
      for (; !store.merge?.complete; slices++) await vi.advanceTimersByTimeAsync(1);
      expect(slices).toBeGreaterThan(5);
      expect(store.merge.text).toBe('x'.repeat(20_000));
      expect(store.metrics?.events).toBe(20_000);

      parse.mockClear();
      length = 20_010;
      await vi.advanceTimersByTimeAsync(POLL_INTERVAL_MS);
      expect(store.merge?.text).toBe('x'.repeat(20_010));
      expect(store.metrics?.events).toBe(20_010);
      // Each new entry is parsed for the merge, and for the figures main did not measure yet: no old one again.
      expect(parse.mock.calls.length).toBeLessThanOrEqual(10 * 2);
    } finally {
      parse.mockRestore();
      now.mockRestore();
      store.reset();
    }
  });
});

/** V8's collector, for checking that something is released (vitest.config.ts starts the workers with `--expose-gc`). */
function collectGarbage(): () => void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('gc() is not exposed: run the tests with --expose-gc');
  return () => {
    gc();
    gc();
  };
}
