/**
 * The files waiting in the composer, kept per place like the draft (a
 * conversation, or the new chat), so switching conversations never carries
 * them along; they are kept in memory only. Each pasted, dropped or picked file is
 * prepared (images downscaled here), handed to main, which checks and keeps
 * it, and shown as a chip. The limits are said before sending; main enforces
 * them again. Thumbnails are `blob:` URLs of the prepared bytes, released when
 * the chip goes.
 */
import { computed, onScopeDispose, ref, type Ref } from 'vue';
import type { AttachmentRef, AttachmentView } from '../../../src-preload/contract';
import { ATTACHMENT_LIMITS } from '../../../src-preload/contract/types';
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
  | { kind: 'refused'; message: string };

/** A size as people read it: `12 MB`, `340 KB`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

export function useComposerAttachments(place: Ref<string>) {
  const lists = ref<Record<string, PendingAttachment[]>>({});
  const problem = ref<AttachmentProblem | null>(null);
  let nextKey = 1;
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
    if (item.thumbnailUrl) URL.revokeObjectURL(item.thumbnailUrl);
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
      return drop({ kind: 'refused', message: errorShapeOf(error).message });
    }
    const siblings = lists.value[where] ?? [];
    if (!siblings.some((other) => other.key === item.key)) return; // removed meanwhile
    const total = siblings.reduce((sum, other) => sum + (other.view?.bytes ?? 0), 0) + view.bytes;
    if (total > ATTACHMENT_LIMITS.messageBytes) return drop({ kind: 'totalTooLarge', bytes: total });
    const thumbnailUrl =
      view.kind === 'image' ? URL.createObjectURL(new Blob([prepared.bytes], { type: view.mimeType })) : null;
    update(where, (items) =>
      items.map((other) =>
        other.key === item.key ? { ...other, name: view.name, status: 'ready', view, thumbnailUrl } : other,
      ),
    );
  }

  function remove(key: number): void {
    const item = pending.value.find((other) => other.key === key);
    if (item) release(item);
    update(place.value, (items) => items.filter((other) => other.key !== key));
    problem.value = null;
  }

  /** Empties the files of `where` (after they were sent from there). */
  function clear(where: string = place.value): void {
    (lists.value[where] ?? []).forEach(release);
    update(where, () => []);
    if (where === place.value) problem.value = null;
  }

  onScopeDispose(() => Object.values(lists.value).forEach((items) => items.forEach(release)));

  return { pending, problem, preparing, refs, add, remove, clear };
}
