/**
 * The stream inspector's state: the raw log being shown (a reply's, or an opened
 * `.sse` file's), polling while that reply is still streaming, and the
 * extraction path with everything derived from it.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef } from 'vue';
import type { NagareErrorShape, StreamLog } from '../../../src-preload/contract';
import { CONTENT_PATH, PathSyntaxError, mergeEntries, parsePath, type MergeResult } from '../inspector/extractPath';
import { computeMetrics, type InspectorMetrics } from '../inspector/metrics';
import { buildCurl } from '../inspector/curl';
import { bridge, errorShapeOf, unwrap } from '../ipc/nagare';

/** How often a live reply's log is fetched again. */
export const POLL_INTERVAL_MS = 300;

export const useInspectorStore = defineStore('inspector', () => {
  // shallowRef: a log can hold thousands of entries and is replaced whole, never edited in place.
  const log = shallowRef<StreamLog | null>(null);
  /** The message whose log is shown; null for an opened file or nothing. */
  const messageId = ref<string | null>(null);
  const source = ref<'message' | 'file' | null>(null);
  const loading = ref(false);
  const polling = ref(false);
  const error = ref<NagareErrorShape | null>(null);
  const path = ref(CONTENT_PATH);

  let timer: ReturnType<typeof setTimeout> | undefined;
  // Bumped whenever what is shown changes, so a late answer for an earlier request is dropped.
  let generation = 0;

  const parsedPath = computed(() => {
    try {
      return { ok: true as const, segments: parsePath(path.value) };
    } catch (caught) {
      if (caught instanceof PathSyntaxError) return { ok: false as const, error: caught };
      throw caught;
    }
  });

  const merge = computed<MergeResult | null>(() =>
    log.value && parsedPath.value.ok ? mergeEntries(log.value.entries, parsedPath.value.segments) : null,
  );
  const metrics = computed<InspectorMetrics | null>(() => (log.value ? computeMetrics(log.value) : null));
  const curl = computed(() =>
    log.value && log.value.request.url ? buildCurl(log.value, { auth: log.value.request.authStyle }) : '',
  );
  const eventCount = computed(() => log.value?.entries.filter((entry) => entry.type === 'event').length ?? 0);

  function stopPolling(): void {
    clearTimeout(timer);
    timer = undefined;
    polling.value = false;
  }

  async function fetchLog(id: string, expected: number): Promise<void> {
    try {
      const next = await unwrap(bridge().inspector.log({ messageId: id }));
      if (expected !== generation) return;
      // An unchanged log keeps its object, so nothing derived from it is recomputed.
      if (!sameLog(log.value, next)) log.value = next;
      error.value = null;
    } catch (caught) {
      if (expected === generation) error.value = errorShapeOf(caught);
    }
  }

  function schedulePoll(id: string, expected: number): void {
    // setTimeout after each answer rather than setInterval, so slow answers never pile up.
    timer = setTimeout(async () => {
      await fetchLog(id, expected);
      if (expected !== generation || !polling.value) return;
      // Main sets the duration when the reply ends: the log is final even if the caller has not said so yet.
      if (log.value?.metrics.durationMs !== undefined) stopPolling();
      else schedulePoll(id, expected);
    }, POLL_INTERVAL_MS);
  }

  /**
   * Shows the log of `id` (or nothing for null). While `live` is true the log is
   * fetched again every {@link POLL_INTERVAL_MS}; call again with `live` false
   * when the reply ends, which fetches the final log once and stops. Polling also
   * stops by itself once the log carries a duration, which main sets at the end.
   */
  async function show(id: string | null, live = false): Promise<void> {
    const continuing = id !== null && id === messageId.value && source.value === 'message';
    stopPolling();
    if (!continuing) {
      generation++;
      log.value = null;
      error.value = null;
    }
    const expected = generation;
    messageId.value = id;
    source.value = id === null ? null : 'message';
    if (id === null) return;
    loading.value = !continuing;
    try {
      await fetchLog(id, expected);
    } finally {
      if (expected === generation) loading.value = false;
    }
    if (live && expected === generation && log.value?.metrics.durationMs === undefined) {
      polling.value = true;
      schedulePoll(id, expected);
    }
  }

  /** Asks main for a `.sse` file and shows it. Answers false when the user cancelled. */
  async function openFile(): Promise<boolean> {
    try {
      const opened = await unwrap(bridge().inspector.openStream());
      if (!opened) return false;
      stopPolling();
      generation++;
      log.value = opened;
      messageId.value = null;
      source.value = 'file';
      error.value = null;
      return true;
    } catch (caught) {
      error.value = errorShapeOf(caught);
      return false;
    }
  }

  /** Saves the shown reply's raw stream as `.sse`. Answers where it went, or null when cancelled or impossible. */
  async function save(): Promise<string | null> {
    if (messageId.value === null) return null;
    try {
      const { savedTo } = await unwrap(bridge().inspector.saveStream({ messageId: messageId.value }));
      return savedTo;
    } catch (caught) {
      error.value = errorShapeOf(caught);
      return null;
    }
  }

  /** Forgets the shown log and stops polling; the path is kept for the next one. */
  function reset(): void {
    stopPolling();
    generation++;
    log.value = null;
    messageId.value = null;
    source.value = null;
    error.value = null;
    loading.value = false;
  }

  onScopeDispose(stopPolling);

  return {
    log,
    messageId,
    source,
    loading,
    polling,
    error,
    path,
    parsedPath,
    merge,
    metrics,
    curl,
    eventCount,
    show,
    openFile,
    save,
    stopPolling,
    reset,
  };
});

/** Logs only grow while a reply streams, so the same entry count and status mean the same log. */
function sameLog(previous: StreamLog | null, next: StreamLog | null): boolean {
  if (previous === null || next === null) return previous === next;
  return (
    previous.entries.length === next.entries.length &&
    previous.truncated === next.truncated &&
    previous.response.status === next.response.status &&
    previous.metrics.durationMs === next.metrics.durationMs
  );
}
