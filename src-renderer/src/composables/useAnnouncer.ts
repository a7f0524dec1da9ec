/**
 * Text for a polite live region that reads a streaming reply to screen-reader
 * users in pieces: what was added since the last piece, at most once per
 * interval (never per token, which would drown the reader), and the rest as
 * soon as the reply ends.
 */
import { onScopeDispose, ref } from 'vue';

/** How often a streaming reply is read out. */
export const ANNOUNCE_INTERVAL_MS = 2_500;

export function useAnnouncer(intervalMs = ANNOUNCE_INTERVAL_MS) {
  const announcement = ref('');
  /** Characters of the reply already read out. */
  let announced = 0;
  let latest = '';
  let timer: ReturnType<typeof setTimeout> | null = null;

  function announceFresh(): void {
    timer = null;
    const fresh = latest.slice(announced).trim();
    announced = latest.length;
    if (fresh) announcement.value = fresh;
  }

  /** The followed reply's whole text so far; `done` reads out what is left at once. */
  function follow(text: string, done: boolean): void {
    latest = text;
    if (done) {
      if (timer) clearTimeout(timer);
      announceFresh();
    } else {
      timer ??= setTimeout(announceFresh, intervalMs);
    }
  }

  /** Starts over for a new reply. */
  function reset(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    announcement.value = '';
    announced = 0;
    latest = '';
  }

  onScopeDispose(() => {
    if (timer) clearTimeout(timer);
  });

  return { announcement, follow, reset };
}
