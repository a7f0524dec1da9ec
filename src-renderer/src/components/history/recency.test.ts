import { describe, expect, it } from 'vitest';
import { groupByRecency, recencyGroupOf, relativeTime } from './recency';

const now = new Date(2026, 11, 7, 14, 30).getTime();
const at = (month: number, day: number, hour = 12) => new Date(2026, month, day, hour).getTime();

describe('recency groups', () => {
  it('puts each time in Today, Yesterday, Previous 7 days or its month', () => {
    expect(recencyGroupOf(at(11, 7, 0), now)).toEqual({ kind: 'today' });
    expect(recencyGroupOf(at(11, 6, 23), now)).toEqual({ kind: 'yesterday' });
    expect(recencyGroupOf(at(11, 6, 0), now)).toEqual({ kind: 'yesterday' });
    expect(recencyGroupOf(at(11, 1), now)).toEqual({ kind: 'week' });
    expect(recencyGroupOf(at(10, 29), now)).toEqual({ kind: 'month', month: new Date(2026, 10, 1) });
    expect(recencyGroupOf(new Date(2025, 11, 25).getTime(), now)).toEqual({
      kind: 'month',
      month: new Date(2025, 11, 1),
    });
  });

  it('splits a newest-first list into consecutive groups', () => {
    const times = [at(11, 7), at(11, 7, 9), at(11, 6), at(11, 2), at(10, 20), at(10, 3), at(9, 30)];
    const groups = groupByRecency(times, (time) => time, now);
    expect(groups.map((group) => [group.key, group.items.length])).toEqual([
      ['today', 2],
      ['yesterday', 1],
      ['week', 1],
      ['month-2026-11', 2],
      ['month-2026-10', 1],
    ]);
    expect(groupByRecency([], (time: number) => time, now)).toEqual([]);
  });
});

describe('relative times', () => {
  it('are short and in the UI language', () => {
    expect(relativeTime(now - 20_000, now, 'en')).toBe('now');
    expect(relativeTime(now - 5 * 60_000, now, 'en')).toBe('5 min. ago');
    expect(relativeTime(now - 5 * 60_000, now, 'ja')).toBe('5 分前');
    expect(relativeTime(at(11, 6), now, 'en')).toBe('yesterday');
    expect(relativeTime(at(11, 6), now, 'ja')).toBe('昨日');
    expect(relativeTime(at(10, 3), now, 'en')).toBe('Nov 3');
    expect(relativeTime(new Date(2025, 0, 3).getTime(), now, 'en')).toBe('Jan 3, 2025');
  });
});
