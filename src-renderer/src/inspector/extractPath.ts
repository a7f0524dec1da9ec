/**
 * Extraction paths for the stream inspector: a small, JavaScript-like syntax
 * for pointing at one field of each event's JSON, and the merge of that field
 * across a whole stream.
 *
 * Grammar (whitespace is not allowed inside a path, except inside quotes):
 *
 *   path     := first rest*  |  '$' rest*           (`$` alone is the whole value)
 *   first    := name | bracket
 *   rest     := '.' name | bracket
 *   name     := one or more characters other than . [ ] " ' and whitespace
 *   bracket  := '[' integer ']' | '[' quoted ']'
 *   integer  := '-'? digits           a negative index counts from the end, like Array.prototype.at:
 *                                     `choices[-1]` is the last choice
 *   quoted   := "…" or '…' with \\ \" \' escapes, for keys that are not plain names: `["weird key"].x`
 *
 * Examples: `choices[0].delta.content`, `usage.total_tokens`, `a.b[2].c`, `["weird key"].x`, `$[0]`.
 *
 * Names only match an object's own properties, so `constructor` or `__proto__` never reach the prototype.
 */
import type { RawStreamEntry } from '../../../src-preload/contract/types';

/** The default path: the reply text of an OpenAI-compatible chat completion chunk. */
export const CONTENT_PATH = 'choices[0].delta.content';
/** The reasoning text that DeepSeek, OpenRouter and others stream beside the content. */
export const REASONING_PATH = 'choices[0].delta.reasoning_content';

export type PathSegment = { kind: 'key'; key: string } | { kind: 'index'; index: number };

/** Why a path could not be read; the UI translates the code, `message` is for logs and tests. */
export type PathErrorCode =
  'empty' | 'unexpectedCharacter' | 'expectedName' | 'unterminatedBracket' | 'unterminatedString' | 'badIndex';

/** A path that does not follow the grammar above. */
export class PathSyntaxError extends Error {
  readonly code: PathErrorCode;
  /** Zero-based offset in the path where the problem was found. */
  readonly position: number;

  constructor(code: PathErrorCode, position: number, message: string) {
    super(message);
    this.name = 'PathSyntaxError';
    this.code = code;
    this.position = position;
  }
}

const NAME_CHAR = /[^.[\]"'\s]/;

/** Parses an extraction path; throws {@link PathSyntaxError} with the offending position. */
export function parsePath(path: string): PathSegment[] {
  const source = path.trim();
  if (source === '') throw new PathSyntaxError('empty', 0, 'The path is empty.');
  const segments: PathSegment[] = [];
  // A leading `$` (as in JSONPath) names the root; `$` alone is the whole value.
  const rooted = source[0] === '$' && (source.length === 1 || source[1] === '.' || source[1] === '[');
  let position = rooted ? 1 : 0;

  const readName = (): void => {
    const start = position;
    while (position < source.length && NAME_CHAR.test(source[position]!)) position++;
    if (position === start) {
      const found = source[position];
      throw new PathSyntaxError(
        'expectedName',
        position,
        found === undefined
          ? `Expected a field name at the end of the path.`
          : `Expected a field name at position ${position + 1}, found "${found}".`,
      );
    }
    segments.push({ kind: 'key', key: source.slice(start, position) });
  };

  const readBracket = (): void => {
    const open = position;
    position++; // '['
    const quote = source[position];
    if (quote === '"' || quote === "'") {
      position++;
      let key = '';
      for (;;) {
        const char = source[position];
        if (char === undefined) {
          throw new PathSyntaxError(
            'unterminatedString',
            open,
            `The quoted name at position ${open + 1} is not closed.`,
          );
        }
        if (char === '\\') {
          const next = source[position + 1];
          if (next === undefined) {
            throw new PathSyntaxError(
              'unterminatedString',
              open,
              `The quoted name at position ${open + 1} is not closed.`,
            );
          }
          key += next;
          position += 2;
          continue;
        }
        position++;
        if (char === quote) break;
        key += char;
      }
      if (source[position] !== ']') {
        throw new PathSyntaxError('unterminatedBracket', open, `The bracket at position ${open + 1} is not closed.`);
      }
      position++;
      segments.push({ kind: 'key', key });
      return;
    }
    const close = source.indexOf(']', position);
    if (close === -1) {
      throw new PathSyntaxError('unterminatedBracket', open, `The bracket at position ${open + 1} is not closed.`);
    }
    const text = source.slice(position, close);
    if (!/^-?\d+$/.test(text)) {
      throw new PathSyntaxError(
        'badIndex',
        position,
        `"[${text}]" at position ${open + 1} is not an index: use a whole number such as [0] or [-1], or quotes for a name such as ["${text}"].`,
      );
    }
    const index = Number(text);
    if (!Number.isSafeInteger(index)) {
      throw new PathSyntaxError('badIndex', position, `The index at position ${open + 1} is too large.`);
    }
    segments.push({ kind: 'index', index: Object.is(index, -0) ? 0 : index });
    position = close + 1;
  };

  while (position < source.length) {
    const char = source[position]!;
    const atStart = segments.length === 0 && position === (rooted ? 1 : 0);
    if (char === '[') readBracket();
    else if (char === '.' && (!atStart || rooted)) {
      position++;
      readName();
    } else if (atStart && !rooted && NAME_CHAR.test(char)) readName();
    else {
      throw new PathSyntaxError('unexpectedCharacter', position, `Unexpected "${char}" at position ${position + 1}.`);
    }
  }
  return segments;
}

/** What a path found in a value. */
export type Lookup = { found: true; value: unknown } | { found: false };

/** Follows `segments` into a parsed JSON value. */
export function getAtPath(value: unknown, segments: readonly PathSegment[]): Lookup {
  let current = value;
  for (const segment of segments) {
    if (segment.kind === 'index') {
      if (!Array.isArray(current)) return { found: false };
      const index = segment.index < 0 ? current.length + segment.index : segment.index;
      if (index < 0 || index >= current.length) return { found: false };
      current = current[index];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current)) return { found: false };
      if (!Object.hasOwn(current, segment.key)) return { found: false };
      current = (current as Record<string, unknown>)[segment.key];
    }
  }
  return { found: true, value: current };
}

/**
 * The entry's data as JSON, or `{ ok: false }` for `[DONE]` and other non-JSON data. Not cached: a
 * log is read once for its merge and figures, and 20,000 parsed chunks kept alive would make every
 * collection while the inspector is open walk them; a row on screen parses its one entry again.
 */
export function parseEntryData(entry: RawStreamEntry): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(entry.data) as unknown };
  } catch {
    return { ok: false };
  }
}

/**
 * Why an event did or did not add to the merged text.
 * - `used`: a string, number or boolean was found (numbers and booleans are stringified).
 * - `notJson`: the data is not JSON; `[DONE]` is counted here.
 * - `missing`: the path leads nowhere, or to JSON `null` (how chat chunks say "no content in this chunk").
 * - `notText`: the path leads to an object or array.
 */
export type ExtractReason = 'used' | 'notJson' | 'missing' | 'notText';

export interface EntryExtraction {
  /** Index of the entry in the log's `entries`. */
  index: number;
  /** The text this event added; null unless `reason` is `used`. */
  value: string | null;
  reason: ExtractReason;
}

/** Applies parsed `segments` to one entry. */
export function extractEntry(entry: RawStreamEntry, index: number, segments: readonly PathSegment[]): EntryExtraction {
  const parsed = parseEntryData(entry);
  if (!parsed.ok) return { index, value: null, reason: 'notJson' };
  const lookup = getAtPath(parsed.value, segments);
  if (!lookup.found || lookup.value === null || lookup.value === undefined)
    return { index, value: null, reason: 'missing' };
  const found = lookup.value;
  if (typeof found === 'string') return { index, value: found, reason: 'used' };
  if (typeof found === 'number' || typeof found === 'boolean') return { index, value: String(found), reason: 'used' };
  return { index, value: null, reason: 'notText' };
}

/** The figures and text of a merge: what {@link StreamMerge} reports as it goes. */
export interface MergeSummary {
  text: string;
  used: number;
  skippedNotJson: number;
  skippedMissing: number;
  skippedNotText: number;
  /**
   * Comments (keep-alives included) and error bodies are not events: they never add text and are not
   * in `used` or the `skipped…` counts, only here.
   */
  comments: number;
  errorBodies: number;
}

export interface MergeResult extends MergeSummary {
  /** One item per event (type `event`), in stream order. */
  perEntry: EntryExtraction[];
}

/**
 * The merge of one path across a stream, read a part at a time: `advance` carries on from the
 * entry where it stopped, so a log that grows (a live reply, fetched again) costs only its new
 * entries, and a long one can be read in slices between frames. It keeps the text and the
 * counts, never the entries.
 */
export class StreamMerge {
  /** How many entries of the log have been read. */
  processed = 0;
  private readonly summary: MergeSummary = {
    text: '',
    used: 0,
    skippedNotJson: 0,
    skippedMissing: 0,
    skippedNotText: 0,
    comments: 0,
    errorBodies: 0,
  };

  constructor(readonly segments: readonly PathSegment[]) {}

  /**
   * Reads up to `limit` entries from where it stopped (entries before that are taken as
   * unchanged: logs only grow) and answers whether it reached the end of `entries`.
   */
  advance(
    entries: readonly RawStreamEntry[],
    limit = Number.POSITIVE_INFINITY,
    onEvent?: (extraction: EntryExtraction) => void,
  ): boolean {
    const end = Math.min(entries.length, this.processed + limit);
    const summary = this.summary;
    for (let index = this.processed; index < end; index++) {
      const entry = entries[index]!;
      if (entry.type === 'comment') summary.comments++;
      else if (entry.type === 'error-body') summary.errorBodies++;
      else {
        const extraction = extractEntry(entry, index, this.segments);
        onEvent?.(extraction);
        if (extraction.reason === 'used') {
          summary.used++;
          summary.text += extraction.value!;
        } else if (extraction.reason === 'notJson') summary.skippedNotJson++;
        else if (extraction.reason === 'missing') summary.skippedMissing++;
        else summary.skippedNotText++;
      }
    }
    this.processed = Math.max(this.processed, end);
    return this.processed >= entries.length;
  }

  /** The merge so far, as a new object (the text is shared, never copied). */
  result(): MergeSummary {
    return { ...this.summary };
  }
}

/** Concatenates the value at `path` across every event of a stream. Throws {@link PathSyntaxError} for a bad path. */
export function mergeEntries(entries: readonly RawStreamEntry[], path: string | readonly PathSegment[]): MergeResult {
  const merge = new StreamMerge(typeof path === 'string' ? parsePath(path) : path);
  const perEntry: EntryExtraction[] = [];
  merge.advance(entries, entries.length, (extraction) => perEntry.push(extraction));
  return { ...merge.result(), perEntry };
}
