// @vitest-environment happy-dom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick, ref, type Ref } from 'vue';
import { resizeMovesReader, rowReadAfterPrepend, useVirtualRows } from './useVirtualRows';

// The list in real Chromium (measuring, typesetting late, loading older pages) is covered by
// e2e/longConversation.spec.ts; here are the rules that decide when the scroll position is corrected,
// and races replayed in a fake layout where every frame is stepped by hand.
describe('resizeMovesReader', () => {
  const scrolledTo = 1_000;

  it('corrects for a row wholly above the fold that grows, whichever way the list scrolls', () => {
    expect(resizeMovesReader({ start: 600, end: 900 }, scrolledTo, true)).toBe(true);
    expect(resizeMovesReader({ start: 700, end: 1_000 }, scrolledTo, true)).toBe(true);
  });

  it('leaves alone a row that spans the fold and grows below the reader, such as a streaming reply', () => {
    expect(resizeMovesReader({ start: 800, end: 1_200 }, scrolledTo, true)).toBe(false);
  });

  it('corrects a first measurement of a row whose top is above the fold: its estimate was above it', () => {
    expect(resizeMovesReader({ start: 800, end: 1_200 }, scrolledTo, false)).toBe(true);
    expect(resizeMovesReader({ start: 1_000, end: 1_160 }, scrolledTo, false)).toBe(false);
  });

  it('never corrects for rows below the fold', () => {
    expect(resizeMovesReader({ start: 1_400, end: 1_600 }, scrolledTo, true)).toBe(false);
    expect(resizeMovesReader({ start: 1_400, end: 1_600 }, scrolledTo, false)).toBe(false);
  });
});

describe('rowReadAfterPrepend', () => {
  const keyOf = (item: string) => item;

  it('is the row that was first when older rows arrive while the list is scrolled into its top padding', () => {
    expect(rowReadAfterPrepend(['c', 'd'], ['a', 'b', 'c', 'd'], keyOf, 0, 16)).toEqual({
      index: 2,
      key: 'c',
      below: 16,
    });
    expect(rowReadAfterPrepend(['c', 'd'], ['a', 'b', 'c', 'd'], keyOf, 10, 16)).toEqual({
      index: 2,
      key: 'c',
      below: 6,
    });
  });

  it('is none below the padding, for rows added at the end, and for a list replaced or emptied', () => {
    expect(rowReadAfterPrepend(['c', 'd'], ['a', 'b', 'c', 'd'], keyOf, 16, 16)).toBeNull();
    expect(rowReadAfterPrepend(['c', 'd'], ['c', 'd', 'e'], keyOf, 0, 16)).toBeNull();
    expect(rowReadAfterPrepend(['c', 'd'], ['x', 'y', 'z'], keyOf, 0, 16)).toBeNull();
    expect(rowReadAfterPrepend([], ['a'], keyOf, 0, 16)).toBeNull();
    expect(rowReadAfterPrepend(['c', 'd'], [], keyOf, 0, 16)).toBeNull();
    expect(rowReadAfterPrepend(['c', 'd'], ['a', 'c', 'd'], keyOf, undefined, 16)).toBeNull();
  });
});

/**
 * A layout engine just big enough for the list: a scroller of `VIEWPORT` px whose content is the top
 * spacer, the rendered rows (each as tall as `heights` says for its key) and the bottom spacer, stacked.
 * As in a browser, `scrollTop` is clamped to the content, a scroll is reported by a `scroll` event at the
 * next frame, and a frame runs the scroll events, then the animation-frame callbacks, then the resize
 * observers (with the microtasks after each callback, where Vue renders).
 */
const VIEWPORT = 600;
const PADDING_START = 16;

class FakeLayout {
  readonly heights = new Map<string, number>();
  readonly observers = new Set<FakeResizeObserver>();
  private animationFrames: FrameRequestCallback[] = [];
  private scrolled = false;
  private scrollPosition = 0;
  private restore: (() => void)[] = [];

  install(): void {
    const heightOf = (element: HTMLElement) => this.heightOf(element);
    const prototype = window.HTMLElement.prototype;
    const offsetHeight = Object.getOwnPropertyDescriptor(prototype, 'offsetHeight');
    Object.defineProperty(prototype, 'offsetHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return heightOf(this);
      },
    });
    const getBoundingClientRect = Object.getOwnPropertyDescriptor(window.Element.prototype, 'getBoundingClientRect');
    Object.defineProperty(window.Element.prototype, 'getBoundingClientRect', {
      configurable: true,
      value(this: HTMLElement) {
        return { top: 0, left: 0, width: 800, height: heightOf(this) };
      },
    });
    this.restore.push(() => {
      Object.defineProperty(prototype, 'offsetHeight', offsetHeight!);
      Object.defineProperty(window.Element.prototype, 'getBoundingClientRect', getBoundingClientRect!);
    });
    const { ResizeObserver, requestAnimationFrame } = window;
    const observe = (callback: ResizeObserverCallback) => new FakeResizeObserver(callback, this);
    // Called with `new`: a constructor that returns an object makes that object.
    window.ResizeObserver = function (callback: ResizeObserverCallback) {
      return observe(callback);
    } as unknown as typeof ResizeObserver;
    window.requestAnimationFrame = (callback) => this.animationFrames.push(callback);
    this.restore.push(() => {
      window.ResizeObserver = ResizeObserver;
      window.requestAnimationFrame = requestAnimationFrame;
    });
  }

  uninstall(): void {
    for (const undo of this.restore.splice(0)) undo();
  }

  /** Makes `element` the scroller. */
  scroller(element: HTMLElement): void {
    Object.defineProperties(element, {
      clientHeight: { get: () => VIEWPORT },
      clientWidth: { get: () => 800 },
      scrollHeight: { get: () => this.heightOf(element.firstElementChild as HTMLElement) },
      scrollTop: {
        get: () => this.scrollPosition,
        set: (value: number) => {
          const clamped = Math.min(Math.max(0, value), Math.max(0, element.scrollHeight - VIEWPORT));
          if (clamped !== this.scrollPosition) this.scrolled = true;
          this.scrollPosition = clamped;
        },
      },
      scrollTo: {
        value: ({ top }: ScrollToOptions) => {
          element.scrollTop = top ?? element.scrollTop;
        },
      },
    });
  }

  heightOf(element: HTMLElement): number {
    if (element.style.height) return parseFloat(element.style.height);
    // A row is as tall as `heights` says, plus whatever was added into it (content typeset late).
    let sum = this.heights.get(element.dataset.key ?? '') ?? 0;
    for (const child of element.children) sum += this.heightOf(child as HTMLElement);
    return sum;
  }

  /** Where the top of row `key` is on screen, from the scroller's top; null when it is not rendered. */
  screenTop(element: HTMLElement, key: string): number | null {
    let top = 0;
    for (const child of element.firstElementChild!.children) {
      if ((child as HTMLElement).dataset.key === key) return top - element.scrollTop;
      top += this.heightOf(child as HTMLElement);
    }
    return null;
  }

  /** One frame: scroll events, animation frames, then resize observers until none has more to say. */
  async frame(element: HTMLElement): Promise<void> {
    if (this.scrolled) {
      this.scrolled = false;
      element.dispatchEvent(new Event('scroll'));
      await flushPromises();
    }
    for (const callback of this.animationFrames.splice(0)) callback(performance.now());
    await flushPromises();
    for (let round = 0; round < 10; round++) {
      let delivered = false;
      for (const observer of this.observers) {
        if (observer.deliver()) {
          delivered = true;
          await flushPromises();
        }
      }
      if (!delivered) break;
    }
  }
}

class FakeResizeObserver {
  private readonly reported = new Map<Element, number | null>();

  constructor(
    private readonly callback: ResizeObserverCallback,
    private readonly layout: FakeLayout,
  ) {
    layout.observers.add(this);
  }

  observe(element: Element): void {
    if (!this.reported.has(element)) this.reported.set(element, null);
  }

  unobserve(element: Element): void {
    this.reported.delete(element);
  }

  disconnect(): void {
    this.reported.clear();
    this.layout.observers.delete(this);
  }

  /** Reports every observed element whose height changed since it was last reported (or never was). */
  deliver(): boolean {
    const entries: ResizeObserverEntry[] = [];
    for (const [element, reported] of this.reported) {
      if (!element.isConnected) continue;
      const height = this.layout.heightOf(element as HTMLElement);
      if (height === reported) continue;
      this.reported.set(element, height);
      const size = [{ blockSize: height, inlineSize: 800 }];
      entries.push({ target: element, borderBoxSize: size, contentBoxSize: size } as unknown as ResizeObserverEntry);
    }
    if (entries.length > 0) this.callback(entries, this as unknown as ResizeObserver);
    return entries.length > 0;
  }
}

/** The message list's set-up (estimate, top padding, overscan, anchored to its end) over `items`. */
function mountList(items: Ref<string[]>, layout: FakeLayout, anchor: 'start' | 'end' = 'end'): VueWrapper {
  const List = defineComponent({
    setup() {
      const container = ref<HTMLElement | null>(null);
      const virtual = useVirtualRows({
        items,
        keyOf: (item) => item,
        estimate: 160,
        paddingStart: PADDING_START,
        overscan: 800,
        container,
        anchor,
      });
      const scroller = (element: unknown) => {
        if (element instanceof HTMLElement && container.value !== element) {
          layout.scroller(element);
          container.value = element;
        }
      };
      return () =>
        h('div', { ref: scroller }, [
          h('div', [
            h('div', { style: { height: `${virtual.paddingTop.value}px` } }),
            ...virtual.rows.value.map((row) =>
              h('div', { key: row.key, 'data-index': row.index, 'data-key': row.key, ref: virtual.measure }),
            ),
            h('div', { style: { height: `${virtual.paddingBottom.value}px` } }),
          ]),
        ]);
    },
  });
  return mount(List, { attachTo: document.body });
}

describe('useVirtualRows in a stepped layout', () => {
  let layout: FakeLayout;
  let wrapper: VueWrapper | null = null;
  beforeEach(() => {
    layout = new FakeLayout();
    layout.install();
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = null;
    layout.uninstall();
  });

  /** Rows `prefix0…` of real heights unlike the estimate of 160 px, some short, some tall. */
  function rows(prefix: string, count: number): string[] {
    return Array.from({ length: count }, (_, index) => {
      const key = `${prefix}${index}`;
      layout.heights.set(key, [86, 552, 86, 746, 86, 345][index % 6]!);
      return key;
    });
  }

  async function settle(element: HTMLElement): Promise<void> {
    for (let frame = 0; frame < 4; frame++) await layout.frame(element);
  }

  /** A list of `count` rows, opened and settled, at its top. */
  async function openList(count: number, anchor: 'start' | 'end' = 'end') {
    const newest = rows(anchor === 'end' ? 'new' : 'row', count);
    const items = ref(newest);
    wrapper = mountList(items, layout, anchor);
    const scroller = wrapper.element as HTMLElement;
    await settle(scroller);
    return { newest, items, scroller };
  }

  /** Content added at the end of a row in the DOM, as math typeset or a code block highlighted late. */
  function appendLate(row: Element, height: number): void {
    const late = document.createElement('div');
    late.style.height = `${height}px`;
    row.append(late);
  }

  it('keeps the row being read still when the newest of the older rows, arrived while the list was at its very top, grows', async () => {
    const { newest, items, scroller } = await openList(40);
    // At the top of what is loaded: the top padding, then the first row, which is being read.
    expect(scroller.scrollTop).toBe(0);
    expect(layout.screenTop(scroller, 'new0')).toBe(PADDING_START);

    // The older page arrives and is anchored: the row being read stays; the end of the newest older row
    // now stands in view where the padding was.
    const older = rows('old', 40);
    items.value = [...older, ...newest];
    await settle(scroller);
    expect(layout.screenTop(scroller, 'new0')).toBe(PADDING_START);
    expect(layout.screenTop(scroller, 'old39')).toBe(PADDING_START - layout.heights.get('old39')!);

    // Its math is typeset after it was first measured: it grows by 55 px.
    layout.heights.set('old39', layout.heights.get('old39')! + 55);
    await settle(scroller);
    expect(layout.screenTop(scroller, 'new0')).toBe(PADDING_START);
  });

  it('has the row being read where it was as soon as an older page is rendered, not one frame later', async () => {
    const { newest, items, scroller } = await openList(40);
    scroller.scrollTop = 300;
    await settle(scroller);
    // The reader scrolls to the very top; while the list scrolls, tanstack leaves rows that render to its
    // resize observer, which reports at the next frame.
    scroller.scrollTop = 0;
    await layout.frame(scroller);

    // The older page arrives, and the math of its newest row is typeset in the same task.
    items.value = [...rows('old', 40), ...newest];
    await nextTick();
    appendLate(scroller.querySelector('[data-key="old39"]')!, 55);
    // A script that reads the positions before the next frame (the reader's eyes only see the frame).
    await flushPromises();
    expect(layout.screenTop(scroller, 'new0')).toBe(PADDING_START);
    await settle(scroller);
    expect(layout.screenTop(scroller, 'new0')).toBe(PADDING_START);
  });

  it('takes up a row above growing, and keeps the top of the row spanning the fold, when both change in one task', async () => {
    // Anchored to its start, as the sidebar and the inspector's timeline.
    const { scroller } = await openList(60, 'start');
    scroller.scrollTop = 20_000;
    await settle(scroller);
    scroller.scrollTop -= 3_000;
    await settle(scroller);
    const rendered = [...scroller.querySelectorAll<HTMLElement>('[data-key]')];
    const spanning = rendered.find((row) => {
      const top = layout.screenTop(scroller, row.dataset.key!)!;
      return top < 0 && top + layout.heightOf(row) > 0;
    })!;
    const above = rendered[rendered.indexOf(spanning) - 1]!;
    const spanningTop = layout.screenTop(scroller, spanning.dataset.key!);

    // In one task, a row wholly above the fold and the row spanning it grow at their ends.
    appendLate(above, 1_000);
    appendLate(spanning, 100);
    await flushPromises();
    // The first is taken up by the scroll; the second grows below the reader, from a top that stays.
    expect(layout.screenTop(scroller, spanning.dataset.key!)).toBe(spanningTop);
    await settle(scroller);
    expect(layout.screenTop(scroller, spanning.dataset.key!)).toBe(spanningTop);
  });

  it('once the reader scrolls up into that row, lets it grow below its top as any row spanning the fold', async () => {
    const { newest, items, scroller } = await openList(40);
    items.value = [...rows('old', 40), ...newest];
    await settle(scroller);

    scroller.scrollTop -= 100;
    await settle(scroller);
    const top = layout.screenTop(scroller, 'old39')!;
    expect(top).toBe(PADDING_START + 100 - layout.heights.get('old39')!);
    layout.heights.set('old39', layout.heights.get('old39')! + 55);
    await settle(scroller);
    expect(layout.screenTop(scroller, 'old39')).toBe(top);
    expect(layout.screenTop(scroller, 'new0')).toBe(PADDING_START + 100 + 55);
  });
});
