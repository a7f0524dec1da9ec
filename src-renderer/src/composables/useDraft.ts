/**
 * The unsent text of the composer, kept per place (a conversation id, or one
 * key for the new chat) across switching and restarts: saved shortly after the
 * last keystroke, and at once when leaving the place or closing the window.
 * The draft's files are saved by useComposerAttachments; a loaded draft's
 * files are handed to `onLoaded`.
 */
import { onScopeDispose, ref, type Ref } from 'vue';
import type { Draft } from '../../../src-preload/contract';
import { bridge, unwrap } from '../ipc/nagare';

/** How long typing must pause before the draft is saved. */
export const DRAFT_SAVE_DELAY_MS = 400;

export function useDraft(key: Ref<string>, onLoaded: (place: string, saved: Draft) => void = () => undefined) {
  const draft = ref('');
  let timer: ReturnType<typeof setTimeout> | null = null;
  let pending: { key: string; text: string } | null = null;
  /** Counts the user's edits, so that a saved draft arriving after the user typed does not replace the typing. */
  let edits = 0;

  /** Saves a draft still waiting for its timer. */
  function flushDraft(): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!pending) return;
    const { key: place, text } = pending;
    pending = null;
    void bridge().drafts.set({ key: place, text });
  }

  /** The user typed: show it now, save it once typing pauses. */
  function setDraft(text: string): void {
    edits++;
    draft.value = text;
    pending = { key: key.value, text };
    if (timer) clearTimeout(timer);
    timer = setTimeout(flushDraft, DRAFT_SAVE_DELAY_MS);
  }

  /**
   * Shows the saved draft of the current place. An answer for a place already left is dropped, and so
   * is one that arrives after the user started typing here (a new chat's composer takes keys at once).
   */
  async function loadDraft(): Promise<void> {
    const place = key.value;
    const editsBefore = edits;
    const saved = await unwrap(bridge().drafts.get({ key: place }));
    // The files belong to their place whichever is shown now; the text box shows only the current one.
    onLoaded(place, saved);
    if (key.value === place && edits === editsBefore) draft.value = saved.text;
  }

  /** The draft of `place` was sent: empty the composer and the saved draft at once. */
  function clearSentDraft(place: string): void {
    draft.value = '';
    pending = { key: place, text: '' };
    flushDraft();
  }

  // A draft typed just before the window closes is saved too.
  window.addEventListener('beforeunload', flushDraft);
  onScopeDispose(() => {
    window.removeEventListener('beforeunload', flushDraft);
    flushDraft();
  });

  return { draft, setDraft, flushDraft, loadDraft, clearSentDraft };
}
