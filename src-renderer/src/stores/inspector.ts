/**
 * The stream inspector's state: the raw log being shown (a reply's, or an opened
 * `.sse` file's), polling while that reply is still streaming, and the
 * extraction path with everything derived from it.
 *
 * Everything derived from the log (metrics, cURL, the merge) is state this store
 * sets and clears itself, never a cached computed, so that `reset()` lets a
 * large log go as a whole. A long log is read only after the panel's first
 * paint, in slices between frames: the panel shows at once with the figures main
 * measured, and the counts and the merged text follow; a log that grows while
 * polled costs only its new entries.
 */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref, shallowRef, watch } from 'vue';
import type { NagareErrorShape, StreamLog } from '../../../src-preload/contract';
import { unpackStreamLog } from '../../../src-preload/contract/packedStreamLog';
import {
  CONTENT_PATH,
  PathSyntaxError,
  StreamMerge,
  extractEntry,
  parsePath,
  type EntryExtraction,
  type MergeSummary,
} from '../inspector/extractPath';
import { StreamMetricsReader, type InspectorMetrics } from '../inspector/metrics';
import { buildCurl } from '../inspector/curl';
import { bridge, errorShapeOf, unwrap } from '../ipc/nagare';

/** How often a live reply's log is fetched again. */
export const POLL_INTERVAL_MS = 300;
/** How long one slice of reading a log may take before the page gets a frame. */
export const READ_SLICE_MS = 8;
/** Entries read between two looks at the clock. */
const READ_BATCH = 256;
/** Logs up to this many entries are read at once (well within a frame); longer ones after the first paint. */
export const READ_AT_ONCE = 2_000;

/** The figures so far; the counts and gaps are `complete` once every entry of the log has been read. */
export interface MetricsProgress extends InspectorMetrics {
  complete: boolean;
}

/** The merge so far; `complete` once every entry of the log has been read. */
export interface MergeProgress extends MergeSummary {
  complete: boolean;
  /** Entries read so far, of `log.entries.length`. */
  processed: number;
}

export const useInspectorStore = defineStore('inspector', () => {
  // shallowRef: a log can hold tens of thousands of entries and is replaced whole, never edited in place.
  const log = shallowRef<StreamLog | null>(null);
  /** The message whose log is shown; null for an opened file or nothing. */
  const messageId = ref<string | null>(null);
  const source = ref<'message' | 'file' | null>(null);
  const loading = ref(false);
  const polling = ref(false);
  const error = ref<NagareErrorShape | null>(null);
  const path = ref(CONTENT_PATH);
  const metrics = shallowRef<MetricsProgress | null>(null);
  const curl = ref('');
  const merge = shallowRef<MergeProgress | null>(null);

  let timer: ReturnType<typeof setTimeout> | undefined;
  let sliceTimer: ReturnType<typeof setTimeout> | undefined;
  let sliceFrame: number | undefined;
  let reader: StreamMetricsReader | null = null;
  let merger: StreamMerge | null = null;
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

  const eventCount = computed(() => metrics.value?.events ?? 0);

  /** What the path finds in entry `index` of the shown log, read when its row is on screen; events only. */
  function extractionAt(index: number): EntryExtraction | undefined {
    const entry = log.value?.entries[index];
    const parsed = parsedPath.value;
    if (!entry || entry.type !== 'event' || !parsed.ok) return undefined;
    return extractEntry(entry, index, parsed.segments);
  }

  /**
   * Reads the log on for one slice (the figures, then the merge), publishes what it has, and
   * schedules the next slice until both have read the log to its end.
   */
  function readOn(): void {
    stopReading();
    const entries = log.value?.entries;
    if (!entries || !reader) {
      metrics.value = null;
      merge.value = null;
      return;
    }
    const deadline = performance.now() + READ_SLICE_MS;
    const figuresBefore = reader.processed;
    let figuresRead: boolean;
    let merged = merger === null;
    do {
      figuresRead = reader.advance(entries, READ_BATCH);
      if (figuresRead && merger) merged = merger.advance(entries, READ_BATCH);
    } while (!(figuresRead && merged) && performance.now() < deadline);
    // The gaps are sorted for every publication: only when the figures moved on.
    if (reader.processed !== figuresBefore || metrics.value === null) publishFigures(figuresRead);
    publishMerge(merged);
    if (!(figuresRead && merged)) sliceTimer = setTimeout(readOn, 0);
  }

  function publishFigures(complete: boolean): void {
    metrics.value = reader ? { ...reader.result(log.value!.entries, log.value!.metrics), complete } : null;
  }

  function publishMerge(complete: boolean): void {
    merge.value = merger ? { ...merger.result(), complete, processed: merger.processed } : null;
  }

  /**
   * Reads a long log from its start once the panel has painted: what main measured shows at once,
   * the counts, gaps and merge follow. A frame callback runs just before that frame paints; the
   * first slice is queued from there, so it runs after.
   */
  function readAfterPaint(): void {
    stopReading();
    publishFigures(false);
    publishMerge(false);
    sliceFrame = requestAnimationFrame(() => {
      sliceFrame = undefined;
      sliceTimer = setTimeout(readOn, 0);
    });
  }

  function stopReading(): void {
    clearTimeout(sliceTimer);
    sliceTimer = undefined;
    if (sliceFrame !== undefined) cancelAnimationFrame(sliceFrame);
    sliceFrame = undefined;
  }

  function newMerger(): StreamMerge | null {
    const parsed = parsedPath.value;
    return log.value && parsed.ok ? new StreamMerge(parsed.segments) : null;
  }

  function restartMerge(): void {
    merger = newMerger();
    readOn();
  }

  /**
   * Shows `next`. A log that grew from the one shown (the same reply, polled again) is read on
   * from where the reading was; anything else is read from its start.
   */
  function setLog(next: StreamLog | null, grew: boolean): void {
    log.value = next;
    curl.value = next && next.request.url ? buildCurl(next, { auth: next.request.authStyle }) : '';
    if (grew && reader && next && stillMeasured(reader.measured, next) && next.entries.length >= reader.processed) {
      return readOn();
    }
    reader = next ? new StreamMetricsReader(next.metrics) : null;
    if (!next || next.entries.length <= READ_AT_ONCE) return restartMerge();
    merger = newMerger();
    readAfterPaint();
  }

  // A watcher keeps the component that was current when it was made: main.ts makes this store
  // before any, or the first inspector panel (and its DOM, and its parents') would stay alive after it closed.
  watch(parsedPath, restartMerge);

  function stopPolling(): void {
    clearTimeout(timer);
    timer = undefined;
    polling.value = false;
  }

  async function fetchLog(id: string, expected: number): Promise<void> {
    try {
      mark('nagare:inspector-log-requested');
      const packed = await unwrap(bridge().inspector.log({ messageId: id }));
      mark('nagare:inspector-log-received');
      if (expected !== generation) return;
      const next = packed && unpackStreamLog(packed);
      // An unchanged log keeps its object, so nothing derived from it is recomputed.
      if (!sameLog(log.value, next)) setLog(next, log.value !== null);
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
      setLog(null, false);
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
      const packed = await unwrap(bridge().inspector.openStream());
      if (!packed) return false;
      const opened = unpackStreamLog(packed);
      stopPolling();
      generation++;
      setLog(opened, false);
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

  /** Forgets the shown log and everything derived from it, and stops polling; the path is kept for the next one. */
  function reset(): void {
    stopPolling();
    generation++;
    setLog(null, false);
    messageId.value = null;
    source.value = null;
    error.value = null;
    loading.value = false;
  }

  onScopeDispose(() => {
    stopPolling();
    stopReading();
  });

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
    extractionAt,
    show,
    openFile,
    save,
    stopPolling,
    reset,
  };
});

/**
 * A User Timing mark, replacing the last of its name so they never pile up: where the IPC of a
 * log begins and ends, for profiling and for bench/inspectorOpen.ts to tell the app's time from it.
 */
function mark(name: string): void {
  performance.clearMarks(name);
  performance.mark(name);
}

/** Whether `next` still carries what main had measured when the reader was made, so it skipped reading. */
function stillMeasured(measured: StreamLog['metrics'], next: StreamLog): boolean {
  return (
    (measured.timeToFirstTokenMs === undefined || next.metrics.timeToFirstTokenMs !== undefined) &&
    (measured.tokens === undefined || next.metrics.tokens !== undefined)
  );
}

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
