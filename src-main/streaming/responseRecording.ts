/**
 * The raw log of one response, for the stream inspector: the body's network
 * reads as they came, each with the time it arrived. Keeping a read costs the
 * read loop almost nothing, as its bytes are off the JS heap and are not copied.
 * Keeping each event's text instead held every read's decoded string alive, and
 * the garbage collector copied them all. The log's entries are made from the
 * reads only when asked for (the inspector, an `.sse` save, a log stored as
 * entries), by the same decoder and under the same cap the loop would have applied.
 */
import type { RawStreamEntry, StreamLog } from '../../src-preload/contract/types';
import { scrubSecrets } from './errors';
import { createEventStreamDecoder, EventStreamOverflowError, type EventStreamDecoder } from './eventStream';

/** Per-entry overhead counted against the log cap, so that millions of empty events cannot slip past it. */
export const LOG_ENTRY_OVERHEAD = 64;

/** The limits a recording is kept and read within. A stored recording keeps them, so that it reads back the same. */
export interface RecordingLimits {
  /** Cap of the log's entries, in characters: data, event names and ids, plus `LOG_ENTRY_OVERHEAD` each. */
  maxLogChars: number;
  /** Longest line or event the loop accepts: the entries end where the loop stopped reading. */
  maxEventChars: number;
}

/** A recording's reads as text: where each ends in `text` (UTF-16 offsets) and when it arrived (ms). */
export interface RecordedText {
  text: string;
  ends: number[];
  at: number[];
}

/** A reply's log as main saves it: its recording when the reply made one request, else its entries. */
export type SavedStreamLog = StreamLog | (Omit<StreamLog, 'entries' | 'truncated'> & { recording: ResponseRecording });

/** One response's reads, kept until the log is full, and its entries made from them on demand. */
export class ResponseRecording {
  readonly limits: RecordingLimits;
  private readonly secret: string;
  private readonly reads: Uint8Array[] = [];
  private readonly readAt: number[] = [];
  /** Characters the entries take so far, as the loop counts them. */
  private counted = 0;
  /** True once the entries outgrew the cap: later reads are not kept. */
  full = false;
  private readonly builder: EntryBuilder;
  /** Reads already fed to the builder: the entries grow with the stream, each read decoded once. */
  private builtReads = 0;

  /** @param secret - scrubbed from every entry that holds it, and from an error body */
  constructor(limits: RecordingLimits, secret: string) {
    this.limits = limits;
    this.secret = secret;
    this.builder = new EntryBuilder(limits, secret);
  }

  /** Keeps one network read, unless the log is full. The caller must not change its bytes afterwards. */
  keep(bytes: Uint8Array, at: number): void {
    if (this.full) return;
    this.reads.push(bytes);
    this.readAt.push(at);
  }

  /** Counts one dispatched event or comment (its characters) against the cap: the loop's only per-event work for the log. */
  count(chars: number): void {
    this.counted += chars + LOG_ENTRY_OVERHEAD;
    if (this.counted > this.limits.maxLogChars) this.full = true;
  }

  /** Keeps the body of an answer that was not an event stream (an HTTP error): it is then the whole log. */
  keepErrorBody(body: string, at: number): void {
    // Servers echo a rejected key in their error bodies; the raw log is shown and saved, so it never holds one.
    this.builder.add('error-body', '', '', this.secret ? scrubSecrets(body, [this.secret]) : body, at);
  }

  /** The log's entries so far; the same array grows as the stream goes on. */
  entries(): readonly RawStreamEntry[] {
    for (; this.builtReads < this.reads.length; this.builtReads++) {
      this.builder.read(this.reads[this.builtReads]!, this.readAt[this.builtReads]!);
    }
    return this.builder.entries;
  }

  /** True once the log dropped entries to stay within its cap. */
  get truncated(): boolean {
    return this.full || this.builder.truncated;
  }

  /**
   * The kept reads as text, to be stored as they came. Null when the text holds the secret (a server
   * echoed it): only entries can be stored with it scrubbed, since an entry's size is what the cap counts.
   * Also null for an error body, which is stored as the one entry it is.
   */
  text(): RecordedText | null {
    if (this.builder.entries.some((entry) => entry.type === 'error-body')) return null;
    const decoder = new TextDecoder('utf-8');
    const pieces = this.reads.map((read) => decoder.decode(read, { stream: true }));
    const text = pieces.join('');
    if (holdsSecret(text, this.secret)) return null;
    const ends: number[] = new Array<number>(pieces.length);
    let end = 0;
    pieces.forEach((piece, index) => (ends[index] = end += piece.length));
    return { text, ends, at: [...this.readAt] };
  }
}

/** The entries of a stored recording, made as they were when it was stored. */
export function entriesOfRecordedText(
  recorded: RecordedText,
  limits: RecordingLimits,
): { entries: RawStreamEntry[]; truncated: boolean } {
  const builder = new EntryBuilder(limits, '');
  let start = 0;
  recorded.ends.forEach((end, index) => {
    builder.read(recorded.text.slice(start, end), recorded.at[index] ?? 0);
    start = end;
  });
  return { entries: builder.entries, truncated: builder.truncated };
}

/** Decodes reads into entries: every event and comment, scrubbed, up to the cap. */
class EntryBuilder {
  readonly entries: RawStreamEntry[] = [];
  truncated = false;
  private chars = 0;
  private at = 0;
  /** Set when a line outgrew the loop's limit: the loop stopped reading there. */
  private stopped = false;
  private readonly decoder: EventStreamDecoder;

  constructor(
    private readonly limits: RecordingLimits,
    private readonly secret: string,
  ) {
    this.decoder = createEventStreamDecoder(
      (event) => this.add('event', event.event, event.id, event.data, this.at),
      undefined,
      {
        maxBufferChars: limits.maxEventChars,
        onComment: (comment) => this.add('comment', '', '', comment, this.at),
      },
    );
  }

  /** One read, as bytes (live) or as the text they decoded to (stored). */
  read(piece: Uint8Array | string, at: number): void {
    if (this.truncated || this.stopped) return;
    this.at = at;
    try {
      if (typeof piece === 'string') this.decoder.pushText(piece);
      else this.decoder.push(piece);
    } catch (error) {
      if (!(error instanceof EventStreamOverflowError)) throw error;
      this.stopped = true;
    }
  }

  add(type: RawStreamEntry['type'], event: string, id: string, data: string, at: number): void {
    if (this.truncated) return;
    if (holdsSecret(data, this.secret)) data = scrubSecrets(data, [this.secret]);
    const size = data.length + event.length + id.length + LOG_ENTRY_OVERHEAD;
    if (this.chars + size > this.limits.maxLogChars) {
      this.truncated = true;
      return;
    }
    this.chars += size;
    this.entries.push({ at, type, event, id, data });
  }
}

/** Whether `text` holds the secret as `scrubSecrets` would remove it. */
function holdsSecret(text: string, secret: string): boolean {
  if (secret.length < 4) return false;
  const encoded = encodeURIComponent(secret);
  return text.includes(secret) || (encoded !== secret && text.includes(encoded));
}
