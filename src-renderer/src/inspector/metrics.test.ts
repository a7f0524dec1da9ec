import { describe, expect, it, vi } from 'vitest';
import type { RawStreamEntry, StreamLog } from '../../../src-preload/contract/types';
import { StreamMetricsReader, computeMetrics, percentile, thinSeries } from './metrics';

const event = (at: number, data: string): RawStreamEntry => ({ at, type: 'event', event: '', id: '', data });
const content = (at: number, text: string) => event(at, JSON.stringify({ choices: [{ delta: { content: text } }] }));

function logOf(entries: RawStreamEntry[], metrics: StreamLog['metrics'] = {}): StreamLog {
  return {
    request: { providerName: 'x', url: '', model: '', parameters: {}, messageCount: 1, body: '', headers: {} },
    response: { status: 200, headers: {} },
    metrics,
    entries,
    truncated: false,
    keyEnvVar: 'OPENAI_API_KEY',
  };
}

describe('percentile', () => {
  it('uses the nearest rank', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 95)).toBe(10);
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
  });
});

describe('gaps', () => {
  it('measures between events only, ignoring comments', () => {
    const entries: RawStreamEntry[] = [
      event(100, '{}'),
      { at: 150, type: 'comment', event: '', id: '', data: '' },
      event(400, '{}'),
      event(410, '[DONE]'),
    ];
    expect(computeMetrics(logOf(entries)).series).toEqual([
      { at: 400, gap: 300 },
      { at: 410, gap: 10 },
    ]);
  });
});

describe('thinSeries', () => {
  it('keeps at most the requested number of points and the largest gap of each stretch', () => {
    const points = Array.from({ length: 1000 }, (_, index) => ({ at: index, gap: index === 555 ? 999 : 1 }));
    const thinned = thinSeries(points, 100);
    expect(thinned).toHaveLength(100);
    expect(thinned.some((point) => point.gap === 999)).toBe(true);
  });
});

describe('computeMetrics', () => {
  const entries = [
    { at: 80, type: 'comment', event: '', id: '', data: 'ping' } as RawStreamEntry,
    event(120, JSON.stringify({ choices: [{ delta: { role: 'assistant' } }] })),
    content(200, 'Hi'),
    content(250, ' there'),
    content(1250, '!'),
    event(1300, JSON.stringify({ choices: [], usage: { completion_tokens: 4 } })),
    event(1301, '[DONE]'),
  ];

  it('prefers the figures main measured', () => {
    const metrics = computeMetrics(
      logOf(entries, {
        timeToFirstByteMs: 50,
        timeToFirstTokenMs: 190,
        durationMs: 1400,
        tokens: 9,
        tokensPerSecond: 7.5,
      }),
    );
    expect(metrics).toMatchObject({
      timeToFirstByteMs: 50,
      timeToFirstTokenMs: 190,
      durationMs: 1400,
      tokens: 9,
      tokensPerSecond: 7.5,
    });
  });

  it('estimates from the entries when the log has no figures', () => {
    const metrics = computeMetrics(logOf(entries));
    expect(metrics.timeToFirstByteMs).toBe(80);
    expect(metrics.timeToFirstTokenMs).toBe(200);
    expect(metrics.durationMs).toBe(1301);
    expect(metrics.tokens).toBe(4);
    // 4 tokens over 1101 ms of generating.
    expect(metrics.tokensPerSecond).toBe(3.6);
    expect(metrics).toMatchObject({ events: 6, comments: 1, errorBodies: 0 });
  });

  it('summarises the gaps between events', () => {
    const metrics = computeMetrics(logOf(entries));
    // Gaps: 80, 50, 1000, 50, 1.
    expect(metrics.gaps).toEqual({ count: 5, min: 1, p50: 50, p95: 1000, max: 1000 });
    expect(metrics.series.map((point) => point.gap)).toEqual([80, 50, 1000, 50, 1]);
  });

  it('has no gaps and no estimates for an empty log', () => {
    const metrics = computeMetrics(logOf([]));
    expect(metrics.gaps).toBeNull();
    expect(metrics.series).toEqual([]);
    expect(metrics.durationMs).toBeNull();
    expect(metrics.tokensPerSecond).toBeNull();
  });
});

describe('StreamMetricsReader', () => {
  const entries = [
    { at: 80, type: 'comment', event: '', id: '', data: 'ping' } as RawStreamEntry,
    ...Array.from({ length: 40 }, (_, index) => content(100 + index * 7 + (index % 5) * 30, `w${index} `)),
    { at: 900, type: 'error-body', event: '', id: '', data: '{"error":"late"}' } as RawStreamEntry,
    event(1300, JSON.stringify({ choices: [], usage: { completion_tokens: 40 } })),
    event(1301, '[DONE]'),
  ];

  it('read in parts of any size, as a log grows, gives what one reading of the whole log gives', () => {
    const whole = computeMetrics(logOf(entries), 16);
    for (const part of [1, 3, 7, 50]) {
      const reader = new StreamMetricsReader({});
      for (let shown = 1; shown <= entries.length; shown++) {
        // Each poll brings a longer copy of the log; the reader goes on from where it was.
        const grown = entries.slice(0, shown).map((entry) => ({ ...entry }));
        while (!reader.advance(grown, part));
      }
      expect(reader.processed).toBe(entries.length);
      expect(reader.result(entries, {}, 16)).toEqual(whole);
    }
  });

  it('parses no entry when main measured the first token and the token count', () => {
    const parse = vi.spyOn(JSON, 'parse');
    try {
      const reader = new StreamMetricsReader({ timeToFirstTokenMs: 100, tokens: 40 });
      reader.advance(entries.map((entry) => ({ ...entry })));
      expect(parse).not.toHaveBeenCalled();
      expect(reader.result(entries)).toMatchObject({ events: 42, comments: 1, errorBodies: 1, tokens: 40 });
    } finally {
      parse.mockRestore();
    }
  });
});
