/**
 * The sidebar's grouping by recency (Today, Yesterday, Previous 7 days, then one group per month) and the
 * short relative time each row shows. Pure functions of the items and "now", in the local time zone.
 */

/** A group of the sidebar: a fixed bucket, or a calendar month (`month` is its first day, local time). */
export type RecencyGroup = { kind: 'today' | 'yesterday' | 'week' } | { kind: 'month'; month: Date };

/** Which group a time falls into, seen from `now`. */
export function recencyGroupOf(time: number, now: number): RecencyGroup {
  const startOfToday = startOfDay(now);
  if (time >= startOfToday) return { kind: 'today' };
  const startOfYesterday = addDays(startOfToday, -1);
  if (time >= startOfYesterday) return { kind: 'yesterday' };
  if (time >= addDays(startOfToday, -7)) return { kind: 'week' };
  const date = new Date(time);
  return { kind: 'month', month: new Date(date.getFullYear(), date.getMonth(), 1) };
}

/** A key that is equal for equal groups, for splitting a sorted list. */
export function recencyKey(group: RecencyGroup): string {
  return group.kind === 'month' ? `month-${group.month.getFullYear()}-${group.month.getMonth() + 1}` : group.kind;
}

/** Splits items (newest first) into consecutive recency groups. */
export function groupByRecency<T>(
  items: readonly T[],
  timeOf: (item: T) => number,
  now: number,
): Array<{ group: RecencyGroup; key: string; items: T[] }> {
  const groups: Array<{ group: RecencyGroup; key: string; items: T[] }> = [];
  for (const item of items) {
    const group = recencyGroupOf(timeOf(item), now);
    const key = recencyKey(group);
    const last = groups[groups.length - 1];
    if (last?.key === key) last.items.push(item);
    else groups.push({ group, key, items: [item] });
  }
  return groups;
}

/**
 * A short time for a row: "now", "5 min", "3 h" today; the weekday within a week; the date beyond.
 * Uses `Intl` so Japanese reads "5 分前" and "月曜日".
 */
export function relativeTime(time: number, now: number, locale: string): string {
  const seconds = Math.max(0, Math.round((now - time) / 1000));
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  if (seconds < 60) return relative.format(0, 'second');
  if (seconds < 3600) return relative.format(-Math.floor(seconds / 60), 'minute');
  if (time >= startOfDay(now)) return relative.format(-Math.floor(seconds / 3600), 'hour');
  if (time >= addDays(startOfDay(now), -1)) return relative.format(-1, 'day');
  if (time >= addDays(startOfDay(now), -7)) return new Intl.DateTimeFormat(locale, { weekday: 'short' }).format(time);
  const sameYear = new Date(time).getFullYear() === new Date(now).getFullYear();
  return new Intl.DateTimeFormat(locale, {
    month: 'short',
    day: 'numeric',
    ...(sameYear ? {} : { year: 'numeric' }),
  }).format(time);
}

function startOfDay(time: number): number {
  const date = new Date(time);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate()).getTime();
}

/** Calendar days, so a day with a clock change still counts as one. */
function addDays(time: number, days: number): number {
  const date = new Date(time);
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + days).getTime();
}
