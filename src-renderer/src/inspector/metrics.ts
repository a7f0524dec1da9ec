/**
 * Timing figures for the stream inspector. Main measures a live reply itself
 * (`log.metrics`) and those figures win; a log without them (an `.sse` file from
 * another tool) gets estimates from the entries' timestamps instead.
 */
import type { RawStreamEntry, StreamLog } from '../../../src-preload/contract/types';
import { CONTENT_PATH, REASONING_PATH, getAtPath, parseEntryData, parsePath } from './extractPath';

/** Spread of the time between consecutive events, in milliseconds. */
export interface GapStats {
  count: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
}

/** One point of the gap chart: an event's time since the request, and the wait before it. */
export interface GapPoint {
  at: number;
  gap: number;
}

export interface InspectorMetrics {
  timeToFirstByteMs: number | null;
  timeToFirstTokenMs: number | null;
  durationMs: number | null;
  tokens: number | null;
  tokensPerSecond: number | null;
  events: number;
  comments: number;
  errorBodies: number;
  /** Null with fewer than two events. */
  gaps: GapStats | null;
  /** Gap over time, thinned to at most `maxPoints` for the chart (the largest gap of each stretch is kept). */
  series: GapPoint[];
}

const contentSegments = parsePath(CONTENT_PATH);
const reasoningSegments = parsePath(REASONING_PATH);
const completionTokensSegments = parsePath('usage.completion_tokens');

/** Nearest-rank percentile of an ascending list: the smallest value with at least `p`% of the list at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Thins a series to at most `maxPoints`, keeping the largest gap of each stretch so that stalls stay visible. */
export function thinSeries(points: readonly GapPoint[], maxPoints: number): GapPoint[] {
  if (points.length <= maxPoints || maxPoints <= 0) return [...points];
  const size = points.length / maxPoints;
  const out: GapPoint[] = [];
  for (let bucket = 0; bucket < maxPoints; bucket++) {
    const start = Math.floor(bucket * size);
    const end = Math.floor((bucket + 1) * size);
    let best = points[start]!;
    for (let index = start + 1; index < end; index++) if (points[index]!.gap > best.gap) best = points[index]!;
    out.push(best);
  }
  return out;
}

/** What the path `usage.completion_tokens` holds in an event's parsed data, when it is a number. */
function completionTokensIn(value: unknown): number | null {
  const lookup = getAtPath(value, completionTokensSegments);
  return lookup.found && typeof lookup.value === 'number' ? lookup.value : null;
}

/** Whether an event's parsed data carries text at the content or the reasoning path, as the merge would read it. */
function carriesToken(value: unknown): boolean {
  for (const segments of [contentSegments, reasoningSegments]) {
    const lookup = getAtPath(value, segments);
    if (!lookup.found) continue;
    const found = lookup.value;
    if ((typeof found === 'string' && found !== '') || typeof found === 'number' || typeof found === 'boolean')
      return true;
  }
  return false;
}

/**
 * The inspector's figures for a log, read a part at a time like {@link StreamMerge}: `advance`
 * carries on from where it stopped (logs only grow), so a live reply costs only its new entries
 * and a long log can be read between frames. Entries are parsed only for what main did not
 * measure itself (the first token, the token count), and each at most once.
 */
export class StreamMetricsReader {
  /** How many entries of the log have been read. */
  processed = 0;
  private events = 0;
  private comments = 0;
  private errorBodies = 0;
  private previousEventAt: number | null = null;
  private readonly points: GapPoint[] = [];
  private firstTokenAt: number | null = null;
  private lastCompletionTokens: number | null = null;

  constructor(
    /** What main measured; the entries are only read for what it lacks. */
    readonly measured: StreamLog['metrics'],
  ) {}

  /** Reads up to `limit` entries from where it stopped; answers whether it reached the end of `entries`. */
  advance(entries: readonly RawStreamEntry[], limit = Number.POSITIVE_INFINITY): boolean {
    const end = Math.min(entries.length, this.processed + limit);
    const wantsFirstToken = this.measured.timeToFirstTokenMs === undefined;
    const wantsTokens = this.measured.tokens === undefined;
    for (let index = this.processed; index < end; index++) {
      const entry = entries[index]!;
      if (entry.type === 'comment') {
        this.comments++;
        continue;
      }
      if (entry.type === 'error-body') {
        this.errorBodies++;
        continue;
      }
      this.events++;
      if (this.previousEventAt !== null) {
        this.points.push({ at: entry.at, gap: Math.max(0, entry.at - this.previousEventAt) });
      }
      this.previousEventAt = entry.at;
      const wantsFirstTokenHere = wantsFirstToken && this.firstTokenAt === null;
      if (!wantsFirstTokenHere && !wantsTokens) continue;
      const parsed = parseEntryData(entry);
      if (!parsed.ok) continue;
      if (wantsFirstTokenHere && carriesToken(parsed.value)) this.firstTokenAt = entry.at;
      if (wantsTokens) this.lastCompletionTokens = completionTokensIn(parsed.value) ?? this.lastCompletionTokens;
    }
    this.processed = Math.max(this.processed, end);
    return this.processed >= entries.length;
  }

  /**
   * The figures for the entries read so far: what main measured (`measured`, the log's latest, which
   * must still hold what the reader was made with), else estimates; `entries` gives the first and last times.
   */
  result(
    entries: readonly RawStreamEntry[],
    measured: StreamLog['metrics'] = this.measured,
    maxPoints = 240,
  ): InspectorMetrics {
    const timeToFirstByteMs = measured.timeToFirstByteMs ?? entries[0]?.at ?? null;
    const timeToFirstTokenMs = measured.timeToFirstTokenMs ?? this.firstTokenAt;
    const durationMs = measured.durationMs ?? entries.at(-1)?.at ?? null;
    const tokens = measured.tokens ?? this.lastCompletionTokens;
    let tokensPerSecond = measured.tokensPerSecond ?? null;
    if (tokensPerSecond === null && tokens !== null && durationMs !== null) {
      // Same rule as main: tokens over the time spent generating, after the first token.
      const generatingMs = durationMs - (timeToFirstTokenMs ?? 0);
      if (generatingMs > 0 && tokens > 0) tokensPerSecond = Math.round((tokens / generatingMs) * 10_000) / 10;
    }

    const sorted = this.points.map((point) => point.gap).sort((a, b) => a - b);
    const gaps: GapStats | null =
      sorted.length === 0
        ? null
        : {
            count: sorted.length,
            min: sorted[0]!,
            p50: percentile(sorted, 50),
            p95: percentile(sorted, 95),
            max: sorted[sorted.length - 1]!,
          };

    return {
      timeToFirstByteMs,
      timeToFirstTokenMs,
      durationMs,
      tokens,
      tokensPerSecond,
      events: this.events,
      comments: this.comments,
      errorBodies: this.errorBodies,
      gaps,
      series: thinSeries(this.points, maxPoints),
    };
  }
}

/** Computes the inspector's figures for a whole log at once. */
export function computeMetrics(log: StreamLog, maxPoints = 240): InspectorMetrics {
  const reader = new StreamMetricsReader(log.metrics);
  reader.advance(log.entries);
  return reader.result(log.entries, log.metrics, maxPoints);
}
