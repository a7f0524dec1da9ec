/**
 * Links in model output, between a click and the system browser: the one under the pointer (for
 * the status line) and the one waiting for the user to confirm it. A link that could deceive
 * (see `markdown/linkSafety.ts`) is opened only after the user has seen where it really goes.
 */
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { checkLink, type CheckedLink } from '../markdown/linkSafety';
import { bridge, unwrap } from '../ipc/nagare';

/** A link as the reply shows it: its address and its text. */
export interface ShownLink {
  href: string;
  text: string;
}

export const useLinksStore = defineStore('links', () => {
  /** The link under the pointer or focus, checked; null when none. */
  const hovered = ref<CheckedLink | null>(null);
  /** The link waiting for "Open anyway". */
  const pending = ref<CheckedLink | null>(null);

  function hover(link: ShownLink | null): void {
    hovered.value = link ? checkLink(link.href, link.text) : null;
  }

  async function openNow(link: CheckedLink): Promise<void> {
    try {
      await unwrap(bridge().app.openExternal({ url: link.href }));
    } catch (error) {
      console.warn('the link could not be opened', error);
    }
  }

  /** Opens a link from a reply; one that could deceive waits for {@link confirm}. */
  async function open(link: ShownLink): Promise<void> {
    const checked = checkLink(link.href, link.text);
    if (!checked) return;
    if (checked.needsConfirmation) pending.value = checked;
    else await openNow(checked);
  }

  async function confirm(): Promise<void> {
    const link = pending.value;
    pending.value = null;
    if (link) await openNow(link);
  }

  function cancel(): void {
    pending.value = null;
  }

  return { hovered, pending, hover, open, confirm, cancel };
});
