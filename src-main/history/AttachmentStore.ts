/**
 * What the history database knows about attachments: one row per distinct
 * file (by SHA-256) with its type, size and the text sent for it, the links
 * from messages to their files, and which files nothing refers to any more
 * (for the garbage collection). The bytes themselves are in the BlobStore.
 */
import type { AttachmentKind, AttachmentRef, AttachmentView } from '../../src-preload/contract/types';
import type { HistoryDatabase } from './database';
import { guardStorage, HistoryError } from './errors';

/** An attachment as stored: what `attachments.add` learnt from its bytes. */
export interface StoredAttachment {
  sha256: string;
  kind: AttachmentKind;
  mimeType: string;
  bytes: number;
  width: number | null;
  height: number | null;
  pages: number | null;
  /** The text sent for it: a text file's, a PDF's page by page ('' for a scan); null for images. */
  text: string | null;
}

/** An attachment of one message: the stored file under the name it was attached with. */
export interface MessageAttachment extends StoredAttachment {
  name: string;
}

/** One row of `attachments`, as SQLite gives it. */
export interface AttachmentRow {
  sha256: string;
  kind: AttachmentKind;
  mime_type: string;
  bytes: number;
  width: number | null;
  height: number | null;
  pages: number | null;
  text: string | null;
}

const COLUMNS = 'a.sha256, a.kind, a.mime_type, a.bytes, a.width, a.height, a.pages, a.text';

/** A stored file's row as the file's description, for the store's readers and the export alike. */
export function toStored(row: AttachmentRow): StoredAttachment {
  return {
    sha256: row.sha256,
    kind: row.kind,
    mimeType: row.mime_type,
    bytes: row.bytes,
    width: row.width,
    height: row.height,
    pages: row.pages,
    text: row.text,
  };
}

/** Characters (code points, as SQLite's `length` counts them) of a text. */
function charCount(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0xdc00 || code > 0xdfff) count++;
  }
  return count;
}

/** The view of a stored file under the name it was attached with. */
export function toAttachmentView(attachment: StoredAttachment, name: string): AttachmentView {
  return {
    id: attachment.sha256,
    name,
    kind: attachment.kind,
    mimeType: attachment.mimeType,
    bytes: attachment.bytes,
    width: attachment.width,
    height: attachment.height,
    pages: attachment.pages,
    textChars: attachment.text === null ? null : charCount(attachment.text),
  };
}

/** The searchable text of a message's attachments: each file's name, then its text. */
export function attachmentSearchText(attachments: ReadonlyArray<{ name: string; text: string | null }>): string {
  return attachments.map((attachment) => [attachment.name, attachment.text ?? ''].join('\n').trim()).join('\n\n');
}

/** Attachment rows on the history database; the caller owns the connection. */
export class AttachmentStore {
  private readonly statements;

  constructor(
    private readonly db: HistoryDatabase,
    private readonly now: () => number,
  ) {
    this.statements = {
      upsert: db.prepare(
        `INSERT INTO attachments (sha256, kind, mime_type, bytes, width, height, pages, text, added_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (sha256) DO UPDATE SET added_at = excluded.added_at`,
      ),
      get: db.prepare(`SELECT ${COLUMNS} FROM attachments a WHERE a.sha256 = ?`),
      link: db.prepare('INSERT INTO message_attachments (message_id, position, sha256, name) VALUES (?, ?, ?, ?)'),
      ofMessage: db.prepare(
        `SELECT ${COLUMNS}, ma.name FROM message_attachments ma JOIN attachments a ON a.sha256 = ma.sha256
         WHERE ma.message_id = ? ORDER BY ma.position`,
      ),
    };
  }

  /**
   * Records a file whose bytes are in the BlobStore. Recording one that is
   * already known only marks it as just added, so that the garbage
   * collection's grace period starts again.
   */
  record(attachment: StoredAttachment): void {
    guardStorage(() => {
      const { sha256, kind, mimeType, bytes, width, height, pages, text } = attachment;
      this.statements.upsert.run(sha256, kind, mimeType, bytes, width, height, pages, text, this.now());
    });
  }

  /** A recorded file, or null. */
  get(sha256: string): StoredAttachment | null {
    return guardStorage(() => {
      const row = this.statements.get.get(sha256) as AttachmentRow | undefined;
      return row ? toStored(row) : null;
    });
  }

  /**
   * The files behind `refs`, in order, each under its name.
   * @throws HistoryError `missing` for a file that is not recorded (removed since it was added)
   */
  resolve(refs: readonly AttachmentRef[]): MessageAttachment[] {
    return refs.map((ref) => {
      const stored = this.get(ref.id);
      if (!stored) {
        throw new HistoryError('missing', `“${ref.name}” is no longer stored on this computer. Attach it again.`);
      }
      return { ...stored, name: ref.name };
    });
  }

  /** Links files to a new message; run inside the transaction that writes the message. */
  link(messageId: string, attachments: readonly MessageAttachment[]): void {
    attachments.forEach((attachment, position) =>
      this.statements.link.run(messageId, position, attachment.sha256, attachment.name),
    );
  }

  /** The files of a message, in order. */
  ofMessage(messageId: string): MessageAttachment[] {
    return guardStorage(() =>
      (this.statements.ofMessage.all(messageId) as Array<AttachmentRow & { name: string }>).map((row) => ({
        ...toStored(row),
        name: row.name,
      })),
    );
  }

  /**
   * Files that no message (deleted conversations within their undo window
   * included) and no draft refers to, recorded before `before`: the grace
   * period keeps a file just added to the composer until its draft is saved.
   */
  unreferenced(before: number): string[] {
    return guardStorage(() =>
      (
        this.db
          .prepare(
            `SELECT a.sha256 FROM attachments a WHERE a.added_at < ?
               AND NOT EXISTS (SELECT 1 FROM message_attachments ma WHERE ma.sha256 = a.sha256)
               AND NOT EXISTS (SELECT 1 FROM drafts d, json_each(d.attachments) j
                               WHERE json_valid(d.attachments) AND json_extract(j.value, '$.id') = a.sha256)`,
          )
          .all(before) as Array<{ sha256: string }>
      ).map((row) => row.sha256),
    );
  }

  /** Forgets files (their bytes are removed by the caller); one still linked is kept. */
  forget(sha256s: readonly string[]): string[] {
    return guardStorage(() => {
      const forgotten: string[] = [];
      const remove = this.db.prepare(
        'DELETE FROM attachments WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM message_attachments WHERE sha256 = ?)',
      );
      this.db.transaction(() => {
        for (const sha256 of sha256s) if (remove.run(sha256, sha256).changes > 0) forgotten.push(sha256);
      })();
      return forgotten;
    });
  }

  /** True when the database records this file (for the sweep of files it does not know). */
  isRecorded(sha256: string): boolean {
    return this.get(sha256) !== null;
  }
}
