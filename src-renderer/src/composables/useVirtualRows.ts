/**
 * Renders only the rows near the viewport of a scrolling container, for lists
 * of any length (the sidebar, a 10,000-message conversation), with
 * @tanstack/vue-virtual. Rows may have any height: each rendered row is
 * measured, the rest are estimated. When a row above the viewport changes
 * height (measured for the first time, a code block highlighted late), the
 * scroll position is corrected in the same task (for a change in the DOM) or
 * the same frame (any other resize), so what the user reads does not move.
 * With `anchor: 'end'` (a chat log) rows inserted above, such as an older
 * page, leave the visible rows where they were, also when the reader was at
 * the very top; and a list scrolled to its end stays there while its last row
 * grows.
 *
 * Each rendered row element must carry `data-index="row.index"` and be passed
 * to `measure` from a function ref. Nothing but `paddingTop` may come before
 * the rows inside the scrolling container: a row's position in the list must
 * be its distance from the container's top, or the rows above the fold are
 * told from the rows in view wrongly (space before the rows is `paddingStart`).
 */
import { useVirtualizer, type Virtualizer } from '@tanstack/vue-virtual';
import { computed, onScopeDispose, watch, type Ref } from 'vue';

export interface VirtualRow<T> {
  item: T;
  index: number;
  key: string;
}

export interface VirtualRowsOptions<T> {
  items: Ref<readonly T[]>;
  /** A key that stays with the row when rows are added or removed around it. */
  keyOf: (item: T, index: number) => string;
  /**
   * Height in pixels assumed for a row not yet measured. A list whose rows have a fixed height (the
   * inspector's timeline) gives that height here and measures only the rows that differ.
   */
  estimate: number;
  /**
   * Empty space before the first row, given here rather than as CSS padding: tanstack counts it in
   * every row's position, so positions compare with the scroll position without an offset.
   */
  paddingStart?: number;
  /** Extra pixels rendered above and below the viewport. */
  overscan?: number;
  container: Ref<HTMLElement | null>;
  /** Which edge holds still when rows are added or removed at the other: `end` for a chat log. */
  anchor?: 'start' | 'end';
}

/**
 * Whether a row's change of height would move the rows the reader sees, so the
 * scroll position must take it up. Measured for the first time, its estimate
 * was above the fold if its top was. Measured again (it grew or shrank), only a
 * row wholly above the fold: one that spans the fold changes below the reader
 * (a streaming reply growing at its end).
 */
export function resizeMovesReader(
  row: { start: number; end: number },
  scrollOffset: number,
  measuredBefore: boolean,
): boolean {
  return measuredBefore ? row.end <= scrollOffset : row.start < scrollOffset;
}

/** The row being read and how far below the scroll position its top stands. */
export interface ReadingRow {
  index: number;
  key: string;
  below: number;
}

/**
 * The row the reader goes on reading when older rows were added before the first one while the list was
 * scrolled into its top padding (`scrollTop` under `paddingStart`): the row that was first, which stays
 * where it was, `paddingStart - scrollTop` below the scroll position. Null for any other change.
 */
export function rowReadAfterPrepend<T>(
  previous: readonly T[],
  next: readonly T[],
  keyOf: (item: T, index: number) => string,
  scrollTop: number | undefined,
  paddingStart: number,
): ReadingRow | null {
  const added = next.length - previous.length;
  if (scrollTop === undefined || scrollTop >= paddingStart || previous.length === 0 || added <= 0) return null;
  const key = keyOf(previous[0]!, 0);
  if (keyOf(next[added]!, added) !== key) return null;
  return { index: added, key, below: paddingStart - scrollTop };
}

/**
 * Whether tanstack is carrying out a scroll it was asked for (`scrollToIndex`), which it corrects
 * itself until the browser reports it. Read from a private field: if a later version renames it,
 * this answers false, and a resize then starts from the element's position, which is still right.
 */
function followsOwnScroll(virtualizer: Virtualizer<HTMLElement, Element>): boolean {
  return (virtualizer as unknown as { scrollState?: unknown }).scrollState != null;
}

export function useVirtualRows<T>(options: VirtualRowsOptions<T>) {
  const paddingStart = options.paddingStart ?? 0;

  // Tanstack learns the scroll position from scroll events, which come at the next frame. Rows added
  // above in between (an older page arriving just after a scroll) would be anchored to the position
  // before that scroll, putting the reader back by its distance. So tell it the position first: this
  // watcher is made before tanstack's own, so it runs before tanstack sees the new rows.
  let instance: Virtualizer<HTMLElement, Element> | null = null;
  const learnScrollPosition = () => {
    const element = options.container.value;
    if (instance && element && instance.scrollOffset !== null) instance.scrollOffset = element.scrollTop;
  };
  // Older rows that arrive while the reader is inside the top padding (scrolled to the very top of what was
  // loaded) are anchored so that the row being read stays put: the end of the newest older row then stands
  // in view where the padding was, a few pixels above that row. By position alone it spans the fold, so its
  // growth (math typeset after it was first measured) would be taken for growth below the reader and push
  // the row being read down. Until the reader scrolls, the text being read starts at that row, not at the
  // scroll position.
  let readingRow: ReadingRow | null = null;
  watch(options.items, (next, previous) => {
    learnScrollPosition();
    // Any other change keeps it; `readingLine` lets it go once that row has moved or is another one.
    readingRow =
      rowReadAfterPrepend(previous, next, options.keyOf, options.container.value?.scrollTop, paddingStart) ??
      readingRow;
  });

  const virtualizer = useVirtualizer(
    computed(() => {
      const items = options.items.value;
      return {
        count: items.length,
        getScrollElement: () => options.container.value,
        estimateSize: () => options.estimate,
        // Tanstack counts overscan in rows; callers think in pixels of the viewport.
        overscan: Math.ceil((options.overscan ?? 600) / options.estimate),
        getItemKey: (index: number) => options.keyOf(items[index]!, index),
        anchorTo: options.anchor ?? 'start',
        paddingStart,
      };
    }),
  );

  instance = virtualizer.value;

  // The same holds for a row that changes height in the frame the reader scrolled in (typeset late,
  // measured by the resize observer before the scroll event): tanstack would decide from, and write
  // back, the position before the scroll, undoing it. So every resize starts from where the list is.
  // Its own scrolls (scrollToIndex) it follows itself, until it reads them back: those are left alone.
  const resizeItem = instance.resizeItem;
  instance.resizeItem = (index, size) => {
    if (!followsOwnScroll(instance!)) learnScrollPosition();
    resizeItem(index, size);
  };

  // Tanstack leaves a re-measured row above the fold uncorrected while the list scrolls up; but that is
  // just when rows above typeset late (math, highlighting) and the reader's text would jump. Correct then too.
  virtualizer.value.shouldAdjustScrollPositionOnItemSizeChange = (item, _delta, instance) =>
    resizeMovesReader(item, readingLine(instance), instance.itemSizeCache.has(item.key));

  /** Where the text being read starts: the scroll position, or the top of `readingRow` while the reader stays where a prepend left them. */
  function readingLine(instance: Virtualizer<HTMLElement, Element>): number {
    const scrollOffset = instance.scrollOffset ?? 0;
    if (!readingRow) return scrollOffset;
    const { index, key, below } = readingRow;
    // The rendered rows, laid out from the sizes known now (a resize earlier in this task has moved them).
    const row = instance.getVirtualItems().find((item) => item.index === index);
    // The reader scrolled (the row is no longer that far below the scroll top), or the rows changed again.
    if (!row || row.key !== key || Math.abs(row.start - scrollOffset - below) >= 1) {
      readingRow = null;
      return scrollOffset;
    }
    return row.start;
  }

  // Tanstack measures rows with a ResizeObserver, which reports after the next frame's layout, and while the
  // list scrolls it leaves rows that render to it. A change in a task of its own (an older page rendered, math
  // typeset, a streamed token) moves the rows below it in the DOM at once; uncorrected until that frame, a script
  // reading positions in between (the e2e reader, an app's own scroll check) sees the text being read moved by
  // the whole page's error of estimate. A MutationObserver reports in the same task: measure the rows then.
  const contentChanges = new MutationObserver(measureRenderedRows);
  watch(
    options.container,
    (element) => {
      contentChanges.disconnect();
      if (element) contentChanges.observe(element, { childList: true, characterData: true, subtree: true });
    },
    { immediate: true },
  );
  onScopeDispose(() => contentChanges.disconnect());

  function measureRenderedRows(): void {
    const instance = virtualizer.value;
    for (const element of instance.elementsCache.values()) {
      if (!element.isConnected) continue;
      // Lays the rows out again from the sizes known now: `resizeItem` reads positions as last laid out, and
      // a row measured just before may have moved them (tanstack does the same between its observer's entries).
      instance.getVirtualItems();
      // The border box, rounded, as tanstack reads it from the ResizeObserver, so the two never disagree.
      instance.resizeItem(instance.indexFromElement(element), Math.round(element.getBoundingClientRect().height));
    }
  }

  const visible = computed(() => virtualizer.value.getVirtualItems());
  const rows = computed<VirtualRow<T>[]>(() => {
    const items = options.items.value;
    return visible.value.map(({ index, key }) => ({ item: items[index]!, index, key: String(key) }));
  });
  const totalHeight = computed(() => virtualizer.value.getTotalSize());
  const paddingTop = computed(() => visible.value[0]?.start ?? 0);
  const paddingBottom = computed(() => Math.max(0, totalHeight.value - (visible.value.at(-1)?.end ?? 0)));

  /**
   * Pass as a function ref on each row element (which carries `data-index`): `:ref="(el) => measure(el)"`.
   * Vue calls it on every render of the list; tanstack expects that: a row it skipped measuring while
   * the list scrolled is measured on a later render.
   */
  function measure(element: unknown): void {
    // Null when a row leaves the DOM: lets tanstack stop observing the rows that are gone.
    virtualizer.value.measureElement(element instanceof Element ? element : null);
  }

  /** Scrolls so that row `index` is in view. */
  function scrollToIndex(index: number, align: 'start' | 'center' | 'nearest' = 'nearest'): void {
    virtualizer.value.scrollToIndex(index, { align: align === 'nearest' ? 'auto' : align });
  }

  return { rows, paddingTop, paddingBottom, totalHeight, measure, scrollToIndex };
}
