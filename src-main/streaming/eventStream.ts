/**
 * The `text/event-stream` wire format, interpreted exactly as the WHATWG HTML
 * standard says (§9.2.6 "Interpreting an event stream"). Pure: bytes in,
 * events out, no I/O.
 *
 * Line splitting and field parsing are delegated to `eventsource-parser`;
 * this module owns the parts where that parser differs from the standard or
 * from what a byte stream needs: UTF-8 decoding across reads, the BOM, the
 * last event ID that outlives its event, and the default event type.
 */
import { createParser } from 'eventsource-parser';

/** One options object for every read, rather than a new one per read. */
const STREAMING = { stream: true } as const;

/** One dispatched event, as the standard's `MessageEvent` would carry it. */
export interface EventStreamEvent {
  /** The event type; `message` when the stream named none. */
  event: string;
  /** The data lines, joined with LF. */
  data: string;
  /** The last event ID seen so far in the stream, carried over from earlier events. */
  id: string;
}

/** Extras for callers that need more than events, e.g. the stream inspector. */
export interface EventStreamDecoderOptions {
  /** Called for every comment line (`:` prefix), without the colon and one optional space. */
  onComment?: (comment: string) => void;
  /**
   * Upper bound, in UTF-16 code units, for a line or event still being assembled.
   * Past it `push` throws {@link EventStreamOverflowError}: a stream that never ends
   * a line would otherwise grow memory without limit. Unbounded when absent.
   */
  maxBufferChars?: number;
}

/** Bytes in, events out. */
export interface EventStreamDecoder {
  /** Feeds the next read of the body; any split is fine, including inside a UTF-8 character or a CRLF pair. */
  push(bytes: Uint8Array): void;
  /** Feeds text that `push` decoded before (a stored recording): the same as pushing its bytes, minus the decoding. */
  pushText(text: string): void;
  /** Marks the end of the body. An event not ended by a blank line is discarded, as the standard says. */
  end(): void;
}

/** Thrown by `push` when a line or event outgrows `maxBufferChars`. */
export class EventStreamOverflowError extends Error {
  /** The limit that was exceeded, in UTF-16 code units. */
  readonly limit: number;

  constructor(limit: number) {
    super(`An event stream line or event exceeded ${limit} characters.`);
    this.name = 'EventStreamOverflowError';
    this.limit = limit;
  }
}

/**
 * Creates a streaming decoder for one `text/event-stream` body.
 *
 * @param onEvent - called for each dispatched event, in order
 * @param onRetry - called when a `retry` field holds only ASCII digits
 * @param options - comment callback and buffer limit
 */
export function createEventStreamDecoder(
  onEvent: (e: { event: string; data: string; id: string }) => void,
  onRetry?: (ms: number) => void,
  options: EventStreamDecoderOptions = {},
): EventStreamDecoder {
  // The standard's "last event ID buffer" is never reset between events; the parser resets it
  // per block, so the carried value lives here and `onId` (called before `onEvent`) updates it.
  let lastEventId = '';
  let overflowed = false;
  let ended = false;
  // Default `ignoreBOM: false` strips exactly one BOM, only at the very start, even when its
  // three bytes arrive in separate reads; `fatal: false` turns invalid bytes into U+FFFD.
  const decoder = new TextDecoder('utf-8');
  const parser = createParser({
    onId: (id) => {
      lastEventId = id;
    },
    onEvent: (message) => {
      // The parser hands over a fresh object per event and keeps no reference: filling it in
      // place saves an allocation per event on the hot path.
      const event = message as EventStreamEvent;
      event.event = message.event || 'message';
      event.id = lastEventId;
      onEvent(event);
    },
    onRetry,
    // Always listening for comments also keeps the parser buffering partial `:` lines correctly.
    onComment: options.onComment ?? noop,
    onError: (error) => {
      if (error.type === 'max-buffer-size-exceeded') overflowed = true;
    },
    maxBufferSize: options.maxBufferChars,
  });
  // The parser strips a leading U+FEFF *and* the three Latin-1 characters "ï»¿" from its first
  // chunk. The decoder already removed the one real BOM, so a second U+FEFF (or text that starts
  // with "ï»¿") is content. A lone LF at the start of a stream is an empty line with nothing
  // buffered, which dispatches nothing, and it ends the parser's BOM check.
  parser.feed('\n');

  function feed(text: string): void {
    if (text === '') return;
    parser.feed(text);
    if (overflowed) throw new EventStreamOverflowError(options.maxBufferChars ?? 0);
  }

  return {
    push(bytes) {
      if (ended) throw new Error('The event stream has already ended.');
      feed(decoder.decode(bytes, STREAMING));
    },
    pushText(text) {
      if (ended) throw new Error('The event stream has already ended.');
      feed(text);
    },
    end() {
      if (ended) return;
      ended = true;
      // Flushing turns a truncated trailing character into U+FFFD. A trailing CR was already
      // handled by the parser as a complete line; anything else pending is an unfinished line
      // or event, which the standard discards, so the parser is not asked to consume it.
      feed(decoder.decode());
    },
  };
}

function noop(): void {}
