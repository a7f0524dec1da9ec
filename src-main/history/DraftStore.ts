/** Unsent text, kept per conversation (or per new chat) so that nothing typed is lost. */
import type { HistoryDatabase } from './database';
import { guardStorage } from './errors';

/** Drafts on the history database. The caller owns the connection. */
export class DraftStore {
  constructor(
    private readonly db: HistoryDatabase,
    private readonly now: () => number,
  ) {}

  /** The unsent text kept under `key` (a conversation id, or a key for a new chat); '' if none. */
  get(key: string): string {
    return guardStorage(() => {
      const row = this.db.prepare('SELECT text FROM drafts WHERE key = ?').get(key) as { text: string } | undefined;
      return row?.text ?? '';
    });
  }

  /** Keeps unsent text; an empty text removes the draft. */
  set(key: string, text: string): void {
    guardStorage(() => {
      if (text === '') {
        this.db.prepare('DELETE FROM drafts WHERE key = ?').run(key);
        return;
      }
      this.db
        .prepare(
          `INSERT INTO drafts (key, text, updated_at) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at`,
        )
        .run(key, text, this.now());
    });
  }
}
