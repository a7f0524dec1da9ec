/**
 * Keeps a scrolling view pinned to its bottom while content grows (a streaming
 * reply), until the user scrolls up; `following` false is when to offer
 * "jump to latest".
 */
import { onScopeDispose, ref, watch, type Ref } from 'vue';

const BOTTOM_SLACK_PX = 48;

export function useAutoscroll(container: Ref<HTMLElement | null>, content: Ref<HTMLElement | null>) {
  const following = ref(true);
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

  function jumpToLatest(): void {
    following.value = true;
    toBottom();
  }

  const onScroll = () => {
    const element = container.value;
    if (!element || programmatic) return;
    following.value = atBottom(element);
  };

  // A wheel or key press upwards means the user wants to read; stop following at once, before the next token.
  const onWheel = (event: WheelEvent) => {
    if (event.deltaY < 0) following.value = false;
  };

  const grow = new ResizeObserver(() => {
    if (following.value) toBottom();
  });

  watch(
    [container, content],
    ([element, inner], [previous, previousInner]) => {
      previous?.removeEventListener('scroll', onScroll);
      previous?.removeEventListener('wheel', onWheel);
      if (previousInner) grow.unobserve(previousInner);
      element?.addEventListener('scroll', onScroll, { passive: true });
      element?.addEventListener('wheel', onWheel, { passive: true });
      if (inner) grow.observe(inner);
    },
    { immediate: true },
  );

  onScopeDispose(() => {
    grow.disconnect();
    container.value?.removeEventListener('scroll', onScroll);
    container.value?.removeEventListener('wheel', onWheel);
  });

  return { following, jumpToLatest, toBottom };
}
