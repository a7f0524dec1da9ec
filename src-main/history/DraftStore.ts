/**
 * Unsent messages, kept per conversation (or per new chat) so that nothing
 * typed or attached is lost: the text, and the files waiting in the composer
 * as references to the content-addressed store (`drafts.attachments`, JSON).
 * The garbage collection keeps every file a draft refers to.
 */
import type { AttachmentRef, Draft } from '../../src-preload/contract/types';
import { toAttachmentView, type AttachmentStore } from './AttachmentStore';
import type { HistoryDatabase } from './database';
import { guardStorage } from './errors';
import { parseJsonList } from './rows';

/** What changed of a draft; a field left out keeps what was saved. */
export interface DraftChange {
  text?: string;
  attachments?: readonly AttachmentRef[];
}

interface DraftRow {
  text: string;
  attachments: string;
}

/** The references a row holds; a value that is not a list of references (written by hand, damaged) holds none. */
function refsOf(json: string): AttachmentRef[] {
  return parseJsonList<AttachmentRef>(json, (ref) => typeof ref.id === 'string' && typeof ref.name === 'string');
}

/** Drafts on the history database. The caller owns the connection. */
export class DraftStore {
  constructor(
    private readonly db: HistoryDatabase,
    private readonly now: () => number,
    private readonly attachments: AttachmentStore,
  ) {}

  /**
   * The draft kept under `key` (a conversation id, or a key for a new chat);
   * empty if none. A file no longer stored is left out rather than failing
   * the whole draft.
   */
  get(key: string): Draft {
    return guardStorage(() => {
      const row = this.row(key);
      if (!row) return { text: '', attachments: [] };
      return {
        text: row.text,
        attachments: refsOf(row.attachments).flatMap((ref) => {
          const stored = this.attachments.get(ref.id);
          return stored ? [toAttachmentView(stored, ref.name)] : [];
        }),
      };
    });
  }

  /**
   * Keeps what changed of a draft; a draft left with no text and no files is
   * removed. @throws HistoryError `missing` for a file that `attachments.add`
   * did not store, so a draft never refers to bytes that are not kept.
   */
  set(key: string, change: DraftChange): void {
    guardStorage(() => {
      const attachments =
        change.attachments === undefined
          ? undefined
          : this.attachments.resolve(change.attachments).map(({ sha256, name }) => ({ id: sha256, name }));
      this.db.transaction(() => {
        const saved = this.row(key);
        const text = change.text ?? saved?.text ?? '';
        const files = attachments ? JSON.stringify(attachments) : (saved?.attachments ?? '[]');
        if (text === '' && refsOf(files).length === 0) {
          this.db.prepare('DELETE FROM drafts WHERE key = ?').run(key);
          return;
        }
        this.db
          .prepare(
            `INSERT INTO drafts (key, text, attachments, updated_at) VALUES (?, ?, ?, ?)
             ON CONFLICT (key) DO UPDATE SET
               text = excluded.text, attachments = excluded.attachments, updated_at = excluded.updated_at`,
          )
          .run(key, text, files, this.now());
      })();
    });
  }

  private row(key: string): DraftRow | undefined {
    return this.db.prepare('SELECT text, attachments FROM drafts WHERE key = ?').get(key) as DraftRow | undefined;
  }
}
