/**
 * Reads an export file as a stream of entries, never the whole text at once:
 * stream-json's tokenizer turns the bytes into tokens, and its Assembler builds
 * one entry (one conversation) at a time, so memory holds a conversation, not
 * the file. Two top-level shapes are exports: an array of conversations
 * (ChatGPT) and an object whose `conversations` field is one (Nagare).
 * Anything else, and any JSON error or truncation, refuses the file whole.
 */
import { Assembler } from 'stream-json/core/assembler.js';
import { jsonParser, type Token } from 'stream-json/core/parser.js';
import { getManyValues, isMany, none } from 'stream-chain/defs.js';
import { AppError } from '../common/AppError';

/** What the reader finds, in file order. */
export type ExportEvent =
  /** The first thing in the file: an array (ChatGPT) or an object (Nagare). */
  | { type: 'shape'; shape: 'array' | 'object' }
  /** One element of the conversations array, as parsed; `index` counts from 0. */
  | { type: 'entry'; index: number; value: unknown }
  /** A top-level field of an object file, other than `conversations`. */
  | { type: 'field'; key: string; value: unknown }
  /** An object file's `conversations` array begins. */
  | { type: 'conversations' };

const NOT_JSON = 'The file is not valid JSON; it may be incomplete or damaged. Nothing was imported.';
const NOT_AN_EXPORT = 'The file is neither a Nagare export nor a ChatGPT conversations.json. Nothing was imported.';

function refuse(message: string, cause?: unknown): AppError {
  const error = new AppError('import_invalid', message, {
    reason: message === NOT_JSON ? 'not_json' : 'not_an_export',
  });
  if (cause !== undefined) Object.defineProperty(error, 'cause', { value: cause });
  return error;
}

/** Turns tokens into export events; one instance per file. */
class EventBuilder {
  private readonly assembler = new Assembler();
  private assembling: { kind: 'entry' } | { kind: 'field'; key: string } | null = null;
  private shape: 'array' | 'object' | null = null;
  private inConversations = false;
  private key: string | null = null;
  private entries = 0;
  finished = false;

  constructor(private readonly emit: (event: ExportEvent) => void) {}

  take(token: Token): void {
    if (this.assembling) return this.assemble(token);
    if (this.shape === null) {
      if (token.name === 'startArray' || token.name === 'startObject') {
        this.shape = token.name === 'startArray' ? 'array' : 'object';
        return this.emit({ type: 'shape', shape: this.shape });
      }
      throw refuse(NOT_AN_EXPORT);
    }
    if (this.shape === 'array' || this.inConversations) {
      if (token.name === 'endArray') {
        if (this.inConversations) this.inConversations = false;
        else this.finished = true;
        return;
      }
      return this.begin({ kind: 'entry' }, token);
    }
    // Directly inside the top-level object.
    if (token.name === 'keyValue') {
      this.key = token.value;
      return;
    }
    if (token.name === 'endObject') {
      this.finished = true;
      return;
    }
    const key = this.key ?? '';
    this.key = null;
    if (key === 'conversations' && token.name === 'startArray') {
      this.inConversations = true;
      return this.emit({ type: 'conversations' });
    }
    this.begin({ kind: 'field', key }, token);
  }

  private begin(target: NonNullable<EventBuilder['assembling']>, token: Token): void {
    this.assembling = target;
    this.assemble(token);
  }

  private assemble(token: Token): void {
    this.assembler.consume(token);
    if (!this.assembler.done) return;
    const target = this.assembling!;
    this.assembling = null;
    const value = this.assembler.current;
    this.assembler.current = null;
    if (target.kind === 'entry') this.emit({ type: 'entry', index: this.entries++, value });
    else this.emit({ type: 'field', key: target.key, value });
  }
}

/**
 * The events of an export file read from `source` (chunks of its bytes).
 * `onBytes` is told the running total of bytes read, after each chunk.
 * Throws `import_invalid` for a file that is not JSON, is cut short, or is
 * neither an array nor an object at the top.
 */
export async function* readExport(
  source: AsyncIterable<Uint8Array | string>,
  onBytes: (bytesRead: number) => void = () => {},
): AsyncGenerator<ExportEvent> {
  const tokenize = jsonParser({ streamValues: false });
  const decoder = new TextDecoder('utf-8');
  const pending: ExportEvent[] = [];
  const builder = new EventBuilder((event) => pending.push(event));
  const feed = (text: string | typeof none) => {
    let output: unknown;
    try {
      output = tokenize(text as string);
    } catch (error) {
      throw refuse(NOT_JSON, error);
    }
    if (output === none) return;
    if (isMany(output)) for (const token of getManyValues(output) as Token[]) builder.take(token);
    else builder.take(output as Token);
  };

  let bytesRead = 0;
  let started = false;
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.byteLength;
    started ||= text.trim() !== '';
    feed(text);
    onBytes(bytesRead);
    yield* pending.splice(0);
  }
  feed(decoder.decode());
  feed(none);
  yield* pending.splice(0);
  if (!started) throw refuse('The file is empty. Nothing was imported.');
  if (!builder.finished) throw refuse(NOT_JSON);
}
