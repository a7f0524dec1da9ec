/**
 * The raw streams of replies, kept for the stream inspector: one log per
 * message, bounded in size, removed with its message, prunable as a whole.
 */
import type { StreamLog } from '../../src-preload/contract';
import type { HistoryDatabase } from './database';
import { HistoryError, guardStorage } from './errors';

/**
 * The largest stream log kept per message; longer logs lose their last entries. Room for the
 * JSON of a log at the live cap (`DEFAULT_MAX_LOG_CHARS`): a 20,000-token reply is kept whole.
 */
export const MAX_STREAM_LOG_BYTES = 8 * 1024 * 1024;

/** Stream logs on the history database. The caller owns the connection. */
export class StreamLogStore {
  constructor(
    private readonly db: HistoryDatabase,
    private readonly now: () => number,
  ) {}

  /**
   * Keeps the raw stream of a reply for the inspector, bounded to
   * `MAX_STREAM_LOG_BYTES`: past that, the last entries are dropped and the
   * log is marked truncated. Replaces any earlier log of the message.
   */
  save(messageId: string, log: StreamLog): { bytes: number; truncated: boolean } {
    return guardStorage(() => {
      const exists = this.db
        .prepare(
          `SELECT 1 AS x FROM messages m JOIN conversations c ON c.id = m.conversation_id
           WHERE m.id = ? AND c.deleted_at IS NULL`,
        )
        .get(messageId);
      if (exists === undefined) throw new HistoryError('missing', 'This message no longer exists.');
      const { text, truncated } = boundStreamLog(log, MAX_STREAM_LOG_BYTES);
      const bytes = Buffer.byteLength(text, 'utf8');
      this.db
        .prepare(
          `INSERT INTO stream_logs (message_id, log, bytes, created_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (message_id) DO UPDATE SET log = excluded.log, bytes = excluded.bytes, created_at = excluded.created_at`,
        )
        .run(messageId, text, bytes, this.now());
      return { bytes, truncated };
    });
  }

  /** The saved stream log of a message, or null. */
  get(messageId: string): StreamLog | null {
    return guardStorage(() => {
      const row = this.db.prepare('SELECT log FROM stream_logs WHERE message_id = ?').get(messageId) as
        { log: string } | undefined;
      return row ? (JSON.parse(row.log) as StreamLog) : null;
    });
  }

  /** How much the saved stream logs take. */
  storage(): { bytes: number; messages: number } {
    return guardStorage(() => {
      const row = this.db
        .prepare('SELECT coalesce(sum(bytes), 0) AS bytes, count(*) AS messages FROM stream_logs')
        .get() as { bytes: number; messages: number };
      return { bytes: row.bytes, messages: row.messages };
    });
  }

  /** Deletes the oldest stream logs until at most `keepBytes` remain (all by default). Returns how many went. */
  prune(keepBytes = 0): number {
    return guardStorage(
      () =>
        this.db
          .prepare(
            `DELETE FROM stream_logs WHERE message_id IN (
               SELECT message_id FROM (
                 SELECT message_id, sum(bytes) OVER (ORDER BY created_at DESC, rowid DESC) AS running FROM stream_logs
               ) WHERE running > ?
             )`,
          )
          .run(keepBytes).changes,
    );
  }
}

/**
 * Serializes a stream log within `maxBytes`, keeping the first entries (the
 * start of a stream is what explains it) and cutting an oversized request body.
 */
export function boundStreamLog(log: StreamLog, maxBytes: number): { text: string; truncated: boolean } {
  const whole = JSON.stringify(log);
  if (Buffer.byteLength(whole, 'utf8') <= maxBytes) return { text: whole, truncated: log.truncated };
  const fits = (count: number, body: string): string | null => {
    const text = JSON.stringify({
      ...log,
      request: { ...log.request, body },
      entries: log.entries.slice(0, count),
      truncated: true,
    });
    return Buffer.byteLength(text, 'utf8') <= maxBytes ? text : null;
  };
  let body = log.request.body;
  while (fits(0, body) === null && body.length > 0) body = body.slice(0, Math.floor(body.length / 2));
  let low = 0;
  let high = log.entries.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(middle, body) !== null) low = middle;
    else high = middle - 1;
  }
  return {
    text:
      fits(low, body) ??
      JSON.stringify({ ...log, request: { ...log.request, body: '' }, entries: [], truncated: true }),
    truncated: true,
  };
}
