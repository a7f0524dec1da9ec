/**
 * Keeps a scrolling view pinned to its bottom while content grows (a streaming
 * reply), until the user scrolls up. "Jump to latest" is for when the view
 * is really not at its end (`showJump`): a short conversation that fits is always at its end.
 */
import { computed, onScopeDispose, ref, watch, type Ref } from 'vue';

const BOTTOM_SLACK_PX = 48;

export function useAutoscroll(container: Ref<HTMLElement | null>, content: Ref<HTMLElement | null>) {
  const following = ref(true);
  /** The end of the content is in view, as last measured (scroll, resize). */
  const atEnd = ref(true);
  const showJump = computed(() => !following.value && !atEnd.value);
  let programmatic = false;

  function atBottom(element: HTMLElement): boolean {
    return element.scrollHeight - element.scrollTop - element.clientHeight <= BOTTOM_SLACK_PX;
  }

  function toBottom(): void {
    const element = container.value;
    if (!element) return;
    programmatic = true;
    element.scrollTop = element.scrollHeight;
    requestAnimationFrame(() => (programmatic = false));
  }

  /** Measures again; a view that reached its end (scrolled there, or all of it fits) follows again. */
  function settle(): void {
    const element = container.value;
    if (!element) return;
    atEnd.value = atBottom(element);
    if (atEnd.value) following.value = true;
  }

  function jumpToLatest(): void {
    following.value = true;
    toBottom();
  }

  const onScroll = () => {
    const element = container.value;
    if (!element) return;
    atEnd.value = atBottom(element);
    if (!programmatic) following.value = atEnd.value;
  };

  // A wheel or key press upwards means the user wants to read; stop following at once, before the next token.
  const onWheel = (event: WheelEvent) => {
    // In a view that cannot scroll up there is nothing to read above.
    if (event.deltaY < 0 && (container.value?.scrollTop ?? 0) > 0) following.value = false;
  };

  const grow = new ResizeObserver(() => {
    if (following.value) toBottom();
    settle();
  });

  watch(
    [container, content],
    ([element, inner], [previous, previousInner]) => {
      previous?.removeEventListener('scroll', onScroll);
      previous?.removeEventListener('wheel', onWheel);
      if (previousInner) grow.unobserve(previousInner);
      if (previous) grow.unobserve(previous);
      element?.addEventListener('scroll', onScroll, { passive: true });
      element?.addEventListener('wheel', onWheel, { passive: true });
      if (inner) grow.observe(inner);
      // The window resized: what fits changes too.
      if (element) grow.observe(element);
    },
    { immediate: true },
  );

  onScopeDispose(() => {
    grow.disconnect();
    container.value?.removeEventListener('scroll', onScroll);
    container.value?.removeEventListener('wheel', onWheel);
  });

  return { following, showJump, jumpToLatest, toBottom, settle };
}
