/**
 * Attachments from the window to the disk and back: a file the user pasted,
 * dropped or picked arrives as bytes (never as a path), is checked here (its
 * size, its type sniffed from the bytes, a text file's encoding, a PDF's text
 * read in a worker), kept once in the content-addressed BlobStore and recorded
 * in the database. The window reads the bytes back by id to show them; opening
 * a file with the OS and saving a copy are main's own actions on an id. Files
 * nothing refers to any more are removed by `collectGarbage`.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorReason } from '../../src-preload/contract/errors';
import type { AttachmentRef, AttachmentView } from '../../src-preload/contract/types';
import { ATTACHMENT_LIMITS } from '../../src-preload/contract/types';
import { AppError } from '../common/AppError';
import { writeFileAtomically } from '../common/writeFileAtomically';
import { toAttachmentView, type AttachmentStore, type StoredAttachment } from '../history/AttachmentStore';
import type { FileDialogs } from '../transfer/FileTransferService';
import type { BlobStore } from './BlobStore';
import { describeFile, describePdf } from './describeFile';
import type { PdfText } from './pdfText';

/**
 * How long a file nothing refers to yet is kept: it was just added to the
 * composer, and its draft, which refers to it, is saved a moment later.
 */
export const GARBAGE_GRACE_MS = 60 * 60 * 1000;

/** What the service needs; the composition root passes the real ones, tests real parts in a temporary folder. */
export interface AttachmentServiceDependencies {
  /** Throws a storage error when the database could not be opened. */
  store: () => AttachmentStore;
  blobs: BlobStore;
  /** Reads a PDF's text off main's event loop (the attachment worker in the app). */
  readPdf: (bytes: Uint8Array) => Promise<PdfText>;
  dialogs: Pick<FileDialogs, 'chooseSavePath'>;
  /**
   * True while a damaged history moved aside (by the start-up or the health check) is still in
   * the user-data folder: its messages and drafts may refer to files the open history does not
   * know, so the garbage collection removes nothing.
   */
  historyAside: () => boolean;
  /** Opens a file with the OS's program for its type. */
  openPath: (path: string) => Promise<void>;
  /** Where copies opened with the OS are written (a folder of the app's in the temporary folder). */
  openedCopiesDir: string;
  now: () => number;
}

/** A size for messages: `12 MB`, `340 KB`. */
export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

const IMAGE_EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
  'image/gif': 'gif',
};
/** Text files keep these extensions when opened; any other (`.sh`, `.bat`, `.js`…) could run, so it gets `.txt`. */
const SAFE_TEXT_EXTENSIONS = new Set(['txt', 'md', 'markdown', 'csv', 'tsv', 'log', 'json']);

/**
 * The name a copy is opened under: the user's name with characters no file
 * system accepts replaced, and an extension that matches what the bytes are
 * and never makes the OS run the file.
 */
export function openedCopyName(name: string, attachment: Pick<StoredAttachment, 'kind' | 'mimeType'>): string {
  const safe = [...name]
    .map((char) => (char < ' ' || '\\/:*?"<>|'.includes(char) ? '_' : char))
    .join('')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 120);
  const base = safe || 'attachment';
  const dot = base.lastIndexOf('.');
  const extension = dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
  const wanted =
    attachment.kind === 'image'
      ? (IMAGE_EXTENSIONS[attachment.mimeType] ?? 'png')
      : attachment.kind === 'pdf'
        ? 'pdf'
        : SAFE_TEXT_EXTENSIONS.has(extension)
          ? extension
          : 'txt';
  if (extension === wanted || (wanted === 'jpg' && extension === 'jpeg')) return base;
  return `${base}.${wanted}`;
}

/** Attachments in and out; see the module comment. */
export class AttachmentService {
  constructor(private readonly deps: AttachmentServiceDependencies) {}

  /**
   * Checks and keeps one file. @throws AppError `attachment_invalid` with a
   * message naming the file: too large, empty, not an image, PDF or text, a
   * damaged image, an unreadable PDF.
   */
  async add(input: { name: string; bytes: Uint8Array }): Promise<AttachmentView> {
    const { name, bytes } = input;
    const refuse = (reason: ErrorReason, why: string): never => {
      throw new AppError('attachment_invalid', `“${name}” ${why}`, { reason, file: name });
    };
    if (bytes.byteLength === 0) refuse('file_empty', 'is empty.');
    if (bytes.byteLength > ATTACHMENT_LIMITS.fileBytes) {
      refuse(
        'file_too_large',
        `is ${describeBytes(bytes.byteLength)}; a file can be at most ${describeBytes(ATTACHMENT_LIMITS.fileBytes)}.`,
      );
    }
    const described = describeFile(bytes);
    let stored: Omit<StoredAttachment, 'sha256'>;
    if (!described.ok) {
      return described.reason === 'damaged_image'
        ? refuse('image_damaged', 'looks like an image, but it is damaged.')
        : refuse(
            'file_unsupported',
            `${described.detected ? `is a ${described.detected} file` : 'is not a text file, an image or a PDF'}. ` +
              'Nagare can attach PNG, JPEG, WebP and GIF images, PDFs, and text files in UTF-8.',
          );
    }
    if ('pdf' in described) {
      let pdf: PdfText;
      try {
        pdf = await this.deps.readPdf(bytes);
      } catch {
        return refuse('pdf_unreadable', 'could not be read as a PDF. It may be damaged or protected by a password.');
      }
      stored = describePdf(bytes, pdf.pages, pdf.text);
    } else {
      stored = described.attachment;
    }
    const store = this.deps.store();
    let sha256: string;
    try {
      this.deps.blobs.ensure();
      sha256 = this.deps.blobs.put(bytes);
    } catch (error) {
      throw new AppError('storage', `Could not keep “${name}”: ${(error as Error).message}`, { cause: error });
    }
    const attachment = { ...stored, sha256 };
    store.record(attachment);
    return toAttachmentView(attachment, name);
  }

  /** The bytes of a recorded file. @throws AppError `missing` */
  read(id: string): Uint8Array {
    this.recorded(id);
    return new Uint8Array(this.deps.blobs.read(id));
  }

  /** Opens a recorded file with the OS: a copy under a safe name in the app's temporary folder. */
  async open(ref: AttachmentRef): Promise<void> {
    const attachment = this.recorded(ref.id);
    const folder = join(this.deps.openedCopiesDir, ref.id.slice(0, 16));
    const path = join(folder, openedCopyName(ref.name, attachment));
    try {
      mkdirSync(folder, { recursive: true });
      writeFileAtomically(path, this.deps.blobs.read(ref.id));
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('storage', `Could not open “${ref.name}”: ${(error as Error).message}`, { cause: error });
    }
    await this.deps.openPath(path);
  }

  /** Saves a copy of a recorded file where the user picks; `savedTo` is null when the dialog was cancelled. */
  async save(ref: AttachmentRef): Promise<{ savedTo: string | null }> {
    const attachment = this.recorded(ref.id);
    const bytes = this.deps.blobs.read(ref.id);
    const path = await this.deps.dialogs.chooseSavePath({
      title: 'Save attachment',
      defaultName: openedCopyName(ref.name, attachment),
      filters: [],
    });
    if (!path) return { savedTo: null };
    try {
      writeFileAtomically(path, bytes);
    } catch (error) {
      throw new AppError('storage', `Could not save “${ref.name}”: ${(error as Error).message}`, { cause: error });
    }
    return { savedTo: path };
  }

  /**
   * Removes the files no message or draft refers to (deleted conversations
   * count until their undo window ends), and files the database does not know
   * (a crash between writing one and recording it). Returns how many went.
   * Nothing goes while a damaged history is moved aside: the files its
   * messages refer to are unknown to the fresh one, but may be recovered.
   */
  collectGarbage(): number {
    if (this.deps.historyAside()) return 0;
    const before = this.deps.now() - GARBAGE_GRACE_MS;
    const store = this.deps.store();
    const forgotten = store.forget(store.unreferenced(before));
    for (const id of forgotten) this.deps.blobs.remove(id);
    let strays = 0;
    for (const file of this.deps.blobs.filesOlderThan(before)) {
      if (file.isAttachment && store.isRecorded(file.name)) continue;
      this.deps.blobs.removeFile(file.name);
      strays++;
    }
    return forgotten.length + strays;
  }

  private recorded(id: string): StoredAttachment {
    const attachment = this.deps.store().get(id);
    if (!attachment || !this.deps.blobs.has(id)) {
      throw new AppError('missing', 'This attachment is no longer stored on this computer.');
    }
    return attachment;
  }
}
