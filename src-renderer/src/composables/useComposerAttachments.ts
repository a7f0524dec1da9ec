/**
 * The files waiting in the composer, kept per place like the draft (a
 * conversation, or the new chat), so switching conversations never carries
 * them along. Each pasted, dropped or picked file is prepared (images
 * downscaled here), handed to main, which checks and keeps it, and shown as a
 * chip. Once kept, the place's list is saved with its draft, so the chips come
 * back after a restart (`restore`). The limits are said before sending; main
 * enforces them again. Thumbnails are `blob:` URLs of the prepared bytes,
 * released when the chip goes, or of the stored bytes for restored chips.
 */
import { computed, onScopeDispose, ref, type Ref } from 'vue';
import type { AttachmentRef, AttachmentView, NagareErrorShape } from '../../../src-preload/contract';
import { ATTACHMENT_LIMITS } from '../../../src-preload/contract/types';
import { attachmentUrl } from '../attachments/attachmentUrls';
import { prepareInWorker } from '../attachments/prepareInWorker';
import { errorShapeOf, bridge, unwrap } from '../ipc/nagare';

/** A chip of the composer. */
export interface PendingAttachment {
  /** Stable while it is shown (the id is known only once main has kept it). */
  key: number;
  name: string;
  status: 'preparing' | 'ready';
  view: AttachmentView | null;
  /** A `blob:` URL of an image's prepared bytes, for its thumbnail. */
  thumbnailUrl: string | null;
}

/** Why a file was not attached, for the composer's message. */
export type AttachmentProblem =
  | { kind: 'tooMany' }
  | { kind: 'tooLarge'; name: string; bytes: number }
  | { kind: 'totalTooLarge'; bytes: number }
  | { kind: 'unreadableImage'; name: string }
  | { kind: 'refused'; error: NagareErrorShape };

/** A size as people read it: `12 MB`, `340 KB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

/** The composer's files per place; see the module comment. */
export function useComposerAttachments(place: Ref<string>) {
  const lists = ref<Record<string, PendingAttachment[]>>({});
  const problem = ref<AttachmentProblem | null>(null);
  let nextKey = 1;
  /** Thumbnail URLs made here (restored chips share the app-wide ones, which are never revoked). */
  const ownedUrls = new Set<string>();
  /** Places whose saved files were restored (or found none): their list here is the truth from then on. */
  const restored = new Set<string>();
  const pending = computed(() => lists.value[place.value] ?? []);
  /** Changes the list of `where`, which may no longer be the current place. */
  function update(where: string, change: (items: PendingAttachment[]) => PendingAttachment[]): void {
    lists.value = { ...lists.value, [where]: change(lists.value[where] ?? []) };
  }

  const preparing = computed(() => pending.value.some((item) => item.status === 'preparing'));
  const refs = computed<AttachmentRef[]>(() =>
    pending.value.flatMap((item) => (item.view ? [{ id: item.view.id, name: item.view.name }] : [])),
  );

  function release(item: PendingAttachment): void {
    if (item.thumbnailUrl && ownedUrls.delete(item.thumbnailUrl)) URL.revokeObjectURL(item.thumbnailUrl);
  }

  /** Saves the kept files of `where` with its draft; a file still being prepared is saved once it is kept. */
  function save(where: string): void {
    const attachments = (lists.value[where] ?? []).flatMap((item) =>
      item.view ? [{ id: item.view.id, name: item.view.name }] : [],
    );
    void bridge().drafts.set({ key: where, attachments });
  }

  /**
   * Shows the files saved with the draft of `where` (after a restart), before
   * any added meanwhile. Only the first answer for a place counts: later the
   * list here is newer than what was saved.
   */
  function restore(where: string, saved: readonly AttachmentView[]): void {
    if (restored.has(where)) return;
    restored.add(where);
    const current = lists.value[where] ?? [];
    const shown = new Set(current.map((item) => item.view?.id));
    const items = saved
      .filter((view) => !shown.has(view.id))
      .map((view): PendingAttachment => ({
        key: nextKey++,
        name: view.name,
        status: 'ready',
        view,
        thumbnailUrl: null,
      }));
    if (items.length === 0) return;
    update(where, (others) => [...items, ...others]);
    if (current.length > 0) save(where);
    for (const item of items) {
      if (item.view?.kind !== 'image') continue;
      const { id, mimeType } = item.view;
      attachmentUrl(id, mimeType).then(
        (thumbnailUrl) =>
          update(where, (others) =>
            others.map((other) => (other.key === item.key ? { ...other, thumbnailUrl } : other)),
          ),
        // No thumbnail: the chip still shows the name and size.
        () => undefined,
      );
    }
  }

  /** Adds files in order; each becomes a chip at once and is ready once main has kept it. */
  async function add(files: ReadonlyArray<File>): Promise<void> {
    problem.value = null;
    const room = ATTACHMENT_LIMITS.files - pending.value.length;
    if (files.length > room) problem.value = { kind: 'tooMany' };
    await Promise.all(files.slice(0, Math.max(0, room)).map((file) => addOne(file)));
  }

  async function addOne(file: File): Promise<void> {
    const name = file.name || 'pasted';
    const where = place.value;
    const item: PendingAttachment = { key: nextKey++, name, status: 'preparing', view: null, thumbnailUrl: null };
    update(where, (items) => [...items, item]);
    const drop = (why: AttachmentProblem): void => {
      if (place.value === where) problem.value = why;
      update(where, (items) => items.filter((other) => other.key !== item.key));
      release(item);
    };
    let prepared;
    try {
      prepared = await prepareInWorker(file, name);
    } catch {
      return drop({ kind: 'unreadableImage', name });
    }
    if (prepared.bytes.byteLength > ATTACHMENT_LIMITS.fileBytes) {
      return drop({ kind: 'tooLarge', name, bytes: prepared.bytes.byteLength });
    }
    let view: AttachmentView;
    try {
      view = await unwrap(bridge().attachments.add({ name: prepared.name, bytes: prepared.bytes }));
    } catch (error) {
      return drop({ kind: 'refused', error: errorShapeOf(error) });
    }
    const siblings = lists.value[where] ?? [];
    if (!siblings.some((other) => other.key === item.key)) return; // removed meanwhile
    const total = siblings.reduce((sum, other) => sum + (other.view?.bytes ?? 0), 0) + view.bytes;
    if (total > ATTACHMENT_LIMITS.messageBytes) return drop({ kind: 'totalTooLarge', bytes: total });
    const thumbnailUrl =
      view.kind === 'image' ? URL.createObjectURL(new Blob([prepared.bytes], { type: view.mimeType })) : null;
    if (thumbnailUrl) ownedUrls.add(thumbnailUrl);
    update(where, (items) =>
      items.map((other) =>
        other.key === item.key ? { ...other, name: view.name, status: 'ready', view, thumbnailUrl } : other,
      ),
    );
    save(where);
  }

  function remove(key: number): void {
    const where = place.value;
    const item = pending.value.find((other) => other.key === key);
    if (item) release(item);
    update(where, (items) => items.filter((other) => other.key !== key));
    problem.value = null;
    if (item?.view) save(where);
  }

  /** Empties the files of `where` (after they were sent from there), here and in its saved draft. */
  function clear(where: string = place.value): void {
    const items = lists.value[where] ?? [];
    items.forEach(release);
    update(where, () => []);
    if (where === place.value) problem.value = null;
    if (items.length > 0) save(where);
  }

  onScopeDispose(() => Object.values(lists.value).forEach((items) => items.forEach(release)));

  return { pending, problem, preparing, refs, add, remove, clear, restore };
}
