/**
 * A stream log in the form it crosses IPC and is stored in: its entries as a few
 * columns instead of one object each. A 20,000-token reply is 20,000 entries;
 * as objects they cost main a JSON parse of every one to read the stored log,
 * and both ends a structured clone of every one. Packed, it is one string of
 * data and three short arrays, and the renderer makes entry objects from them.
 * Imports nothing: main packs, the renderer unpacks.
 */
import type { RawStreamEntry, StreamLog } from './types';

/** The entries of a log, packed. Every array and string is in entry order. */
export interface PackedEntries {
  /** Each entry's `at`. */
  at: number[];
  /** One letter per entry: `e` an event, `c` a comment, `x` an error body. */
  types: string;
  /** `[index, event, id]` for the entries that have an event name or an id (most have neither). */
  named: Array<[number, string, string]>;
  /** Every entry's data, one after the other. */
  data: string;
  /** Where each entry's data ends in `data`; it starts where the previous one's ends. */
  dataEnds: number[];
}

/** A {@link StreamLog} with its entries packed. */
export type PackedStreamLog = Omit<StreamLog, 'entries'> & { entries: PackedEntries };

const TYPE_LETTERS: Record<RawStreamEntry['type'], string> = { event: 'e', comment: 'c', 'error-body': 'x' };
const LETTER_TYPES: Record<string, RawStreamEntry['type']> = { e: 'event', c: 'comment', x: 'error-body' };

/** Packs entries into columns. */
export function packEntries(entries: readonly RawStreamEntry[]): PackedEntries {
  const at: number[] = new Array<number>(entries.length);
  const types: string[] = new Array<string>(entries.length);
  const datas: string[] = new Array<string>(entries.length);
  const dataEnds: number[] = new Array<number>(entries.length);
  const named: Array<[number, string, string]> = [];
  let end = 0;
  entries.forEach((entry, index) => {
    at[index] = entry.at;
    types[index] = TYPE_LETTERS[entry.type];
    datas[index] = entry.data;
    end += entry.data.length;
    dataEnds[index] = end;
    if (entry.event !== '' || entry.id !== '') named.push([index, entry.event, entry.id]);
  });
  return { at, types: types.join(''), named, data: datas.join(''), dataEnds };
}

/** Unpacks entries; each entry's data is a slice of the packed string, not a copy. */
export function unpackEntries(packed: PackedEntries): RawStreamEntry[] {
  const entries: RawStreamEntry[] = new Array<RawStreamEntry>(packed.at.length);
  let start = 0;
  for (let index = 0; index < entries.length; index++) {
    const end = packed.dataEnds[index]!;
    entries[index] = {
      at: packed.at[index]!,
      type: LETTER_TYPES[packed.types[index]!] ?? 'event',
      event: '',
      id: '',
      data: packed.data.slice(start, end),
    };
    start = end;
  }
  for (const [index, event, id] of packed.named) {
    const entry = entries[index];
    if (entry) Object.assign(entry, { event, id });
  }
  return entries;
}

/** Packs a log's entries. */
export function packStreamLog(log: StreamLog): PackedStreamLog {
  return { ...log, entries: packEntries(log.entries) };
}

/** Unpacks a log's entries. */
export function unpackStreamLog(log: PackedStreamLog): StreamLog {
  return { ...log, entries: unpackEntries(log.entries) };
}
