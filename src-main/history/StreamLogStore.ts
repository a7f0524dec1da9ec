/**
 * The raw streams of replies, kept for the stream inspector: one log per
 * message, bounded in size, removed with its message, prunable as a whole.
 */
import type { StreamLog } from '../../src-preload/contract';
import {
  packEntries,
  packStreamLog,
  unpackStreamLog,
  type PackedStreamLog,
} from '../../src-preload/contract/packedStreamLog';
import { entriesOfRecordedText, type RecordingLimits, type SavedStreamLog } from '../streaming/responseRecording';
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
  save(messageId: string, log: SavedStreamLog): { bytes: number; truncated: boolean } {
    return guardStorage(() => {
      const exists = this.db
        .prepare(
          `SELECT 1 AS x FROM messages m JOIN conversations c ON c.id = m.conversation_id
           WHERE m.id = ? AND c.deleted_at IS NULL`,
        )
        .get(messageId);
      if (exists === undefined) throw new HistoryError('missing', 'This message no longer exists.');
      const { text, truncated } = storedForm(log);
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
    const packed = this.getPacked(messageId);
    return packed ? unpackStreamLog(packed) : null;
  }

  /** The saved stream log of a message with its entries packed, as the inspector gets it; null if none. */
  getPacked(messageId: string): PackedStreamLog | null {
    return guardStorage(() => {
      const row = this.db.prepare('SELECT log FROM stream_logs WHERE message_id = ?').get(messageId) as
        { log: string } | undefined;
      return row ? decodeStoredLog(row.log) : null;
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

/** The first line of a stored log in the packed form; a log stored before it is one JSON object. */
const PACKED_FORMAT = 'nagare-stream-log/2\n';
/** The first line of a log stored as the response's own text, with where each read ended and when it came. */
const RECORDED_FORMAT = 'nagare-stream-log/3\n';

/** How a recorded log is kept besides its text: the limits it was read within, and its reads. */
interface RecordedHeader {
  limits: RecordingLimits;
  reads: { at: number[]; ends: number[] };
}

/**
 * A log as stored. A reply's recording is kept as the text it came as: nothing to make or pack at the
 * end of every reply, and its entries are made only when the inspector asks. Entries are stored (packed)
 * when there are no reads to keep (an error body), when the text holds the key (only entries can be
 * scrubbed within the cap), when a reply made several requests, or when the text is over the bound.
 */
function storedForm(log: SavedStreamLog): { text: string; truncated: boolean } {
  if (!('recording' in log)) return boundStreamLog(log, MAX_STREAM_LOG_BYTES);
  const { recording, ...rest } = log;
  const truncated = recording.truncated;
  const recorded = recording.text();
  if (recorded) {
    const header: RecordedHeader = { limits: recording.limits, reads: { at: recorded.at, ends: recorded.ends } };
    const text = `${RECORDED_FORMAT}${JSON.stringify({ ...rest, truncated, ...header })}\n${recorded.text}`;
    if (Buffer.byteLength(text, 'utf8') <= MAX_STREAM_LOG_BYTES) return { text, truncated };
  }
  return boundStreamLog({ ...rest, entries: [...recording.entries()], truncated }, MAX_STREAM_LOG_BYTES);
}

/**
 * A log as stored: the format line, the log with its entries' columns as one JSON line, then every
 * entry's data as it is. Reading it parses the short JSON line only: no object per entry, and the
 * data (JSON inside JSON) is not escaped and unescaped.
 */
export function encodeStoredLog(log: StreamLog): string {
  const { data, ...columns } = packEntries(log.entries);
  // JSON.stringify never writes a raw line break, so the first one after the format line ends the JSON.
  return `${PACKED_FORMAT}${JSON.stringify({ ...log, entries: columns })}\n${data}`;
}

/** Reads a stored log, in the recorded or the packed form, or the older JSON. */
export function decodeStoredLog(text: string): PackedStreamLog {
  if (text.startsWith(RECORDED_FORMAT)) return decodeRecordedLog(text);
  if (!text.startsWith(PACKED_FORMAT)) return packStreamLog(JSON.parse(text) as StreamLog);
  const jsonEnd = text.indexOf('\n', PACKED_FORMAT.length);
  const header = JSON.parse(text.slice(PACKED_FORMAT.length, jsonEnd)) as Omit<PackedStreamLog, 'entries'> & {
    entries: Omit<PackedStreamLog['entries'], 'data'>;
  };
  return { ...header, entries: { ...header.entries, data: text.slice(jsonEnd + 1) } };
}

/**
 * Serializes a stream log within `maxBytes`, keeping the first entries (the
 * start of a stream is what explains it) and cutting an oversized request body.
 */
export function boundStreamLog(log: StreamLog, maxBytes: number): { text: string; truncated: boolean } {
  const whole = encodeStoredLog(log);
  if (Buffer.byteLength(whole, 'utf8') <= maxBytes) return { text: whole, truncated: log.truncated };
  const fits = (count: number, body: string): string | null => {
    const text = encodeStoredLog({
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
      encodeStoredLog({ ...log, request: { ...log.request, body: '' }, entries: [], truncated: true }),
    truncated: true,
  };
}

/** Makes a recorded log's entries, as the stream's own were: the same decoder, within the same limits. */
function decodeRecordedLog(text: string): PackedStreamLog {
  const jsonEnd = text.indexOf('\n', RECORDED_FORMAT.length);
  const { limits, reads, ...log } = JSON.parse(text.slice(RECORDED_FORMAT.length, jsonEnd)) as Omit<
    PackedStreamLog,
    'entries'
  > &
    RecordedHeader;
  const made = entriesOfRecordedText({ text: text.slice(jsonEnd + 1), ...reads }, limits);
  return { ...log, entries: packEntries(made.entries), truncated: log.truncated || made.truncated };
}
