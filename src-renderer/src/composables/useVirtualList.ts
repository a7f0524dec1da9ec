/**
 * Renders only the rows near the viewport of a scrolling container, for lists
 * of any length (the sidebar, a 10,000-message conversation). Rows may have
 * any height: each rendered row is measured, the rest are estimated.
 */
import { computed, onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue';

export interface VirtualRow<T> {
  item: T;
  index: number;
  key: string;
}

export interface VirtualListOptions<T> {
  items: Ref<readonly T[]>;
  keyOf: (item: T) => string;
  /** Height in pixels assumed for a row not yet measured. */
  estimate: number;
  /** Extra pixels rendered above and below the viewport. */
  overscan?: number;
  container: Ref<HTMLElement | null>;
}

export function useVirtualList<T>(options: VirtualListOptions<T>) {
  const overscan = options.overscan ?? 600;
  const heights = new Map<string, number>();
  const heightsVersion = ref(0);
  const scrollTop = ref(0);
  const viewport = ref(0);

  /** offsets[i] is the top of row i; offsets[length] is the total height. Rebuilt only when rows or heights change. */
  const offsets = computed(() => {
    void heightsVersion.value;
    const items = options.items.value;
    const result = new Float64Array(items.length + 1);
    for (let index = 0; index < items.length; index++) {
      const height = heights.get(options.keyOf(items[index]!)) ?? options.estimate;
      result[index + 1] = result[index]! + height;
    }
    return result;
  });

  function indexAt(position: number): number {
    const table = offsets.value;
    let low = 0;
    let high = table.length - 2;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (table[middle]! <= position) low = middle;
      else high = middle - 1;
    }
    return Math.max(0, low);
  }

  const range = computed(() => {
    const count = options.items.value.length;
    if (count === 0) return { start: 0, end: 0 };
    const start = indexAt(Math.max(0, scrollTop.value - overscan));
    const end = Math.min(count, indexAt(scrollTop.value + viewport.value + overscan) + 1);
    return { start, end };
  });

  const rows = computed<VirtualRow<T>[]>(() => {
    const { start, end } = range.value;
    const items = options.items.value;
    const visible: VirtualRow<T>[] = [];
    for (let index = start; index < end; index++) {
      const item = items[index]!;
      visible.push({ item, index, key: options.keyOf(item) });
    }
    return visible;
  });

  const paddingTop = computed(() => offsets.value[range.value.start] ?? 0);
  const totalHeight = computed(() => offsets.value[offsets.value.length - 1] ?? 0);
  const paddingBottom = computed(() => totalHeight.value - (offsets.value[range.value.end] ?? 0));

  const observed = new Map<Element, string>();
  let pendingMeasure = false;
  const resizeObserver = new ResizeObserver((entries) => {
    let changed = false;
    for (const entry of entries) {
      const key = observed.get(entry.target);
      if (key === undefined) continue;
      const height = entry.borderBoxSize?.[0]?.blockSize ?? entry.target.getBoundingClientRect().height;
      if (height > 0 && heights.get(key) !== height) {
        heights.set(key, height);
        changed = true;
      }
    }
    if (changed && !pendingMeasure) {
      pendingMeasure = true;
      // One rebuild per frame, however many rows changed.
      requestAnimationFrame(() => {
        pendingMeasure = false;
        heightsVersion.value++;
      });
    }
  });

  /** Pass as a function ref on each row element: `:ref="(el) => measure(el, row.key)"`. */
  function measure(element: unknown, key: string): void {
    if (!(element instanceof Element)) return;
    if (observed.get(element) === key) return;
    observed.set(element, key);
    resizeObserver.observe(element);
  }

  /** Stops measuring rows that left the DOM. */
  function prune(): void {
    for (const element of observed.keys()) {
      if (!element.isConnected) {
        resizeObserver.unobserve(element);
        observed.delete(element);
      }
    }
  }
  watch(rows, () => queueMicrotask(prune));

  const containerObserver = shallowRef<ResizeObserver | null>(null);
  const onScroll = () => {
    const element = options.container.value;
    if (element) scrollTop.value = element.scrollTop;
  };
  watch(
    options.container,
    (element, previous) => {
      previous?.removeEventListener('scroll', onScroll);
      containerObserver.value?.disconnect();
      if (!element) return;
      element.addEventListener('scroll', onScroll, { passive: true });
      viewport.value = element.clientHeight;
      scrollTop.value = element.scrollTop;
      containerObserver.value = new ResizeObserver(() => (viewport.value = element.clientHeight));
      containerObserver.value.observe(element);
    },
    { immediate: true },
  );

  function offsetOf(index: number): number {
    return offsets.value[Math.max(0, Math.min(index, offsets.value.length - 1))] ?? 0;
  }

  /** Scrolls so that row `index` is in view. */
  function scrollToIndex(index: number, align: 'start' | 'center' | 'nearest' = 'nearest'): void {
    const element = options.container.value;
    if (!element) return;
    const top = offsetOf(index);
    const bottom = offsetOf(index + 1);
    let target = element.scrollTop;
    if (align === 'start') target = top;
    else if (align === 'center') target = top - (element.clientHeight - (bottom - top)) / 2;
    else if (top < element.scrollTop) target = top;
    else if (bottom > element.scrollTop + element.clientHeight) target = bottom - element.clientHeight;
    element.scrollTop = Math.max(0, target);
    scrollTop.value = element.scrollTop;
  }

  onScopeDispose(() => {
    resizeObserver.disconnect();
    containerObserver.value?.disconnect();
    options.container.value?.removeEventListener('scroll', onScroll);
  });

  return { rows, paddingTop, paddingBottom, totalHeight, measure, scrollToIndex };
}
