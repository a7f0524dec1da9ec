/** How the inspector's timeline shows one raw entry: its kind, and its data collapsed or pretty-printed. */
import type { RawStreamEntry } from '../../../src-preload/contract/types';
import { parseEntryData, type EntryExtraction } from './extractPath';

/** The row's kind; keep-alives are the comments (or `ping` events) servers send to hold the connection open. */
export type RowKind = 'event' | 'comment' | 'keepAlive' | 'errorBody';

const KEEP_ALIVE_TEXT = /^(keep-?alive|ping|heartbeat)?$/i;

/** Classifies an entry for display. */
export function rowKind(entry: RawStreamEntry): RowKind {
  if (entry.type === 'error-body') return 'errorBody';
  if (entry.type === 'comment') return KEEP_ALIVE_TEXT.test(entry.data.trim()) ? 'keepAlive' : 'comment';
  if (entry.event === 'ping') return 'keepAlive';
  return 'event';
}

export interface FormattedData {
  isJson: boolean;
  /** One line: compact JSON, or the raw data with line breaks shown as ⏎. */
  collapsed: string;
  /** Pretty-printed JSON, or the raw data. */
  expanded: string;
  /** True when expanding would show more than the collapsed line. */
  expandable: boolean;
}

/** Formats an entry's data for the timeline. Events and error bodies holding JSON are pretty-printed. */
export function formatData(entry: RawStreamEntry): FormattedData {
  const parsed = entry.type === 'comment' ? ({ ok: false } as const) : parseEntryData(entry);
  if (parsed.ok && parsed.value !== null && typeof parsed.value === 'object') {
    const expanded = JSON.stringify(parsed.value, null, 2);
    return { isJson: true, collapsed: JSON.stringify(parsed.value), expanded, expandable: true };
  }
  const collapsed = entry.data.replace(/\r\n|\r|\n/g, ' ⏎ ');
  return { isJson: parsed.ok, collapsed, expanded: entry.data, expandable: collapsed !== entry.data };
}

/** The badge text for an extracted value: JSON-quoted so that spaces and line breaks show. */
export function extractionBadge(extraction: EntryExtraction | undefined): string | null {
  if (!extraction || extraction.reason !== 'used' || extraction.value === null) return null;
  return JSON.stringify(extraction.value);
}
