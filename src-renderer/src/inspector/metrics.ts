/**
 * Timing figures for the stream inspector. Main measures a live reply itself
 * (`log.metrics`) and those figures win; a log without them (an `.sse` file from
 * another tool) gets estimates from the entries' timestamps instead.
 */
import type { RawStreamEntry, StreamLog } from '../../../src-preload/contract/types';
import { CONTENT_PATH, REASONING_PATH, extractEntry, getAtPath, parseEntryData, parsePath } from './extractPath';

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

/** The waits between consecutive events (comments and error bodies are not events). */
export function eventGaps(entries: readonly RawStreamEntry[]): GapPoint[] {
  const points: GapPoint[] = [];
  let previous: number | null = null;
  for (const entry of entries) {
    if (entry.type !== 'event') continue;
    if (previous !== null) points.push({ at: entry.at, gap: Math.max(0, entry.at - previous) });
    previous = entry.at;
  }
  return points;
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

function firstTokenAt(entries: readonly RawStreamEntry[]): number | null {
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index]!;
    if (entry.type !== 'event') continue;
    for (const segments of [contentSegments, reasoningSegments]) {
      const found = extractEntry(entry, index, segments);
      if (found.reason === 'used' && found.value !== '') return entry.at;
    }
  }
  return null;
}

function completionTokens(entries: readonly RawStreamEntry[]): number | null {
  for (let index = entries.length - 1; index >= 0; index--) {
    const entry = entries[index]!;
    if (entry.type !== 'event') continue;
    const parsed = parseEntryData(entry);
    if (!parsed.ok) continue;
    const lookup = getAtPath(parsed.value, completionTokensSegments);
    if (lookup.found && typeof lookup.value === 'number') return lookup.value;
  }
  return null;
}

/** Computes the inspector's figures for a log. */
export function computeMetrics(log: StreamLog, maxPoints = 240): InspectorMetrics {
  const { entries, metrics } = log;
  let events = 0;
  let comments = 0;
  let errorBodies = 0;
  for (const entry of entries) {
    if (entry.type === 'event') events++;
    else if (entry.type === 'comment') comments++;
    else errorBodies++;
  }
  const last = entries.at(-1);
  const timeToFirstByteMs = metrics.timeToFirstByteMs ?? entries[0]?.at ?? null;
  const timeToFirstTokenMs = metrics.timeToFirstTokenMs ?? firstTokenAt(entries);
  const durationMs = metrics.durationMs ?? last?.at ?? null;
  const tokens = metrics.tokens ?? completionTokens(entries);
  let tokensPerSecond = metrics.tokensPerSecond ?? null;
  if (tokensPerSecond === null && tokens !== null && durationMs !== null) {
    // Same rule as main: tokens over the time spent generating, after the first token.
    const generatingMs = durationMs - (timeToFirstTokenMs ?? 0);
    if (generatingMs > 0 && tokens > 0) tokensPerSecond = Math.round((tokens / generatingMs) * 10_000) / 10;
  }

  const points = eventGaps(entries);
  const sorted = points.map((point) => point.gap).sort((a, b) => a - b);
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
    events,
    comments,
    errorBodies,
    gaps,
    series: thinSeries(points, maxPoints),
  };
}
