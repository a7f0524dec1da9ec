/**
 * Full-text search over message text and conversation titles.
 *
 * Terms of three or more characters go through the FTS5 trigram index, so a
 * Japanese or Chinese substring matches without word boundaries. Shorter
 * terms (a two-character word such as 日本) have no trigram of their own:
 * - with a longer term in the query, they filter its FTS matches with LIKE;
 * - alone, the newest messages are scanned with LIKE first (a common term
 *   fills the page at once); if that is not enough, the trigrams that begin
 *   with the term are read from the index's vocabulary and searched with OR,
 *   which covers the whole history at index speed. Only a term with very many
 *   such trigrams (a single common character) falls back to a full scan.
 */
import type { MessageRole, SearchHit } from '../../src-preload/contract/types';
import type { HistoryDatabase } from './database';
import { guardStorage } from './errors';

/** How many of the newest messages a query of short terms scans before using the index. */
export const RECENT_SCAN_MESSAGES = 5_000;
/** A short term expanding to more trigrams than this is searched by a full scan instead. */
const MAX_EXPANDED_TRIGRAMS = 300;
/** Terms beyond this are ignored; a query is a few words, not a document. */
const MAX_TERMS = 8;
/** Characters of context kept before a match in a snippet. */
const CONTEXT_BEFORE = 15;
/** The target snippet length in characters. */
const SNIPPET_LENGTH = 40;

/**
 * Splits a query into distinct, non-empty terms. Whitespace separates terms; nothing else is
 * syntax. Control characters separate terms too: SQLite ends a string at a NUL.
 */
export function parseQuery(query: string): string[] {
  const terms = query
    .normalize('NFC')
    .split(/[\s\p{Cc}]+/u)
    .filter((term) => term.length > 0);
  return [...new Set(terms)].slice(0, MAX_TERMS);
}

/** Length in characters (code points), which is what the trigram tokenizer counts. */
function charLength(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** A quoted FTS5 string: inside double quotes every character is literal, and `"` is doubled. */
export function ftsPhrase(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** A LIKE pattern matching `term` anywhere, with `%`, `_` and the escape itself escaped. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A snippet and where the query terms are in it. */
export interface Snippet {
  snippet: string;
  highlights: Array<[start: number, end: number]>;
}

/**
 * A plain-text window of about 40 characters around the first match, with
 * whitespace collapsed, and the ranges of every term in it, found
 * case-insensitively. Offsets are UTF-16 indices into `snippet`, end exclusive.
 */
export function makeSnippet(text: string, terms: readonly string[]): Snippet {
  const flat = text.replace(/\s+/gu, ' ').trim();
  const patterns = terms.map((term) => new RegExp(escapeRegExp(term.replace(/\s+/gu, ' ')), 'giu'));
  let first = -1;
  let firstLength = 0;
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    const match = pattern.exec(flat);
    if (match && (first === -1 || match.index < first)) {
      first = match.index;
      firstLength = match[0].length;
    }
  }
  const length = Math.max(SNIPPET_LENGTH, firstLength + 2 * CONTEXT_BEFORE);
  let start = first === -1 ? 0 : Math.max(0, first - CONTEXT_BEFORE);
  let end = Math.min(flat.length, start + length);
  start = Math.max(0, Math.min(start, end - length));
  // Never split a surrogate pair at either edge.
  if (start > 0 && /[\uDC00-\uDFFF]/.test(flat.charAt(start))) start--;
  if (end < flat.length && /[\uDC00-\uDFFF]/.test(flat.charAt(end))) end++;
  const prefix = start > 0 ? '…' : '';
  const suffix = end < flat.length ? '…' : '';
  const snippet = prefix + flat.slice(start, end) + suffix;
  return { snippet, highlights: findRanges(snippet, patterns) };
}

function findRanges(snippet: string, patterns: RegExp[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    for (const match of snippet.matchAll(pattern)) {
      if (match[0].length > 0) ranges.push([match.index, match.index + match[0].length]);
    }
  }
  ranges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  // Merge overlaps so the UI can wrap ranges without nesting.
  const merged: Array<[number, number]> = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else merged.push([range[0], range[1]]);
  }
  return merged;
}

interface TitleRow {
  id: string;
  title: string;
  updated_at: number;
}

interface MessageHitRow {
  id: string;
  role: MessageRole;
  content: string;
  conversation_id: string;
  title: string;
  updated_at: number;
}

/** Searches the history database. Reads only; the index is kept in sync by triggers. */
export class HistorySearch {
  constructor(private readonly db: HistoryDatabase) {}

  /** Hits for `query`: titles of conversations with no matching message first, then messages newest first; at most `limit`. */
  search(query: string, limit = 50): SearchHit[] {
    return guardStorage(() => {
      const terms = parseQuery(query);
      if (terms.length === 0 || limit <= 0) return [];
      const long = terms.filter((term) => charLength(term) >= 3);
      const short = terms.filter((term) => charLength(term) < 3);
      const messages = this.searchMessages(long, short, limit);
      // A title is usually the first message: a conversation whose messages match is listed by them, not twice.
      const listed = new Set(messages.map((hit) => hit.conversationId));
      const titles = this.searchTitles(long, short, limit).filter((hit) => !listed.has(hit.conversationId));
      return [...titles, ...messages]
        .slice(0, limit)
        .map((hit) => ({ ...hit, ...makeSnippet(hit.text, terms) }))
        .map(stripText);
    });
  }

  private searchTitles(long: string[], short: string[], limit: number): Array<SearchHit & { text: string }> {
    if (limit <= 0) return [];
    const likes = short.map(() => "AND c.title LIKE ? ESCAPE '\\'").join(' ');
    const params: unknown[] = [];
    let sql: string;
    if (long.length > 0) {
      sql = `SELECT c.id, c.title, c.updated_at FROM titles_fts f JOIN conversations c ON c.seq = f.rowid
        WHERE titles_fts MATCH ? AND c.deleted_at IS NULL ${likes} ORDER BY c.updated_at DESC LIMIT ?`;
      params.push(long.map(ftsPhrase).join(' '));
    } else {
      sql = `SELECT c.id, c.title, c.updated_at FROM conversations c
        WHERE c.deleted_at IS NULL ${likes} ORDER BY c.updated_at DESC LIMIT ?`;
    }
    params.push(...short.map(likePattern), limit);
    const rows = this.db.prepare(sql).all(...params) as TitleRow[];
    return rows.map((row) => ({
      conversationId: row.id,
      conversationTitle: row.title,
      messageId: null,
      role: null,
      snippet: '',
      highlights: [],
      updatedAt: row.updated_at,
      text: row.title,
    }));
  }

  private searchMessages(long: string[], short: string[], limit: number): Array<SearchHit & { text: string }> {
    if (limit <= 0) return [];
    const likes = short.map(() => "AND m.content LIKE ? ESCAPE '\\'").join(' ');
    const columns = HIT_COLUMNS;
    const params: unknown[] = [];
    let sql: string;
    if (long.length > 0) {
      // Driving from the FTS table lets it walk its doclist newest first and stop at the limit.
      sql = `SELECT ${columns} FROM messages_fts f
        JOIN messages m ON m.seq = f.rowid JOIN conversations c ON c.id = m.conversation_id
        WHERE messages_fts MATCH ? AND c.deleted_at IS NULL AND m.hidden_at IS NULL AND m.erased_at IS NULL ${likes} ORDER BY f.rowid DESC LIMIT ?`;
      params.push(long.map(ftsPhrase).join(' '), ...short.map(likePattern), limit);
    } else {
      const recent = this.scanMessages(short, limit, RECENT_SCAN_MESSAGES);
      if (recent.length >= limit) return recent.map(toHit);
      const expanded = this.searchByExpandedTrigrams(short, limit);
      return (expanded ?? this.scanMessages(short, limit, Number.MAX_SAFE_INTEGER)).map(toHit);
    }
    return (this.db.prepare(sql).all(...params) as MessageHitRow[]).map(toHit);
  }

  /** LIKE over the newest `window` finished messages, newest first. */
  private scanMessages(short: string[], limit: number, window: number): MessageHitRow[] {
    const likes = short.map(() => "AND m.content LIKE ? ESCAPE '\\'").join(' ');
    const sql = `SELECT ${HIT_COLUMNS} FROM messages m JOIN conversations c ON c.id = m.conversation_id
      WHERE m.seq > (SELECT coalesce(max(seq), 0) FROM messages) - ? AND m.status != 'streaming'
        AND c.deleted_at IS NULL AND m.hidden_at IS NULL AND m.erased_at IS NULL ${likes} ORDER BY m.seq DESC LIMIT ?`;
    return this.db.prepare(sql).all(window, ...short.map(likePattern), limit) as MessageHitRow[];
  }

  /**
   * Finds a short term through the index: every place it occurs begins a
   * trigram (text is indexed with two trailing newlines), so OR-ing the indexed
   * trigrams that start with it matches exactly the messages containing it.
   * Null when the term expands to too many trigrams to be worth it.
   */
  private searchByExpandedTrigrams(short: string[], limit: number): MessageHitRow[] | null {
    // The longest short term has the fewest trigrams; the others filter with LIKE.
    const [anchor, ...others] = [...short].sort((a, b) => charLength(b) - charLength(a));
    if (anchor === undefined) return [];
    // The trigram tokenizer folds case, so its vocabulary is lower case.
    const folded = anchor.toLowerCase();
    const trigrams = (
      this.db
        .prepare('SELECT term FROM messages_fts_terms WHERE term >= ? AND term < ? LIMIT ?')
        .all(folded, `${folded}\u{10FFFF}`, MAX_EXPANDED_TRIGRAMS + 1) as Array<{ term: string }>
    ).map((row) => row.term);
    if (trigrams.length > MAX_EXPANDED_TRIGRAMS) return null;
    if (trigrams.length === 0) return [];
    const likes = others.map(() => "AND m.content LIKE ? ESCAPE '\\'").join(' ');
    const sql = `SELECT ${HIT_COLUMNS} FROM messages_fts f
      JOIN messages m ON m.seq = f.rowid JOIN conversations c ON c.id = m.conversation_id
      WHERE messages_fts MATCH ? AND c.deleted_at IS NULL AND m.hidden_at IS NULL AND m.erased_at IS NULL ${likes} ORDER BY f.rowid DESC LIMIT ?`;
    return this.db
      .prepare(sql)
      .all(trigrams.map(ftsPhrase).join(' OR '), ...others.map(likePattern), limit) as MessageHitRow[];
  }
}

const HIT_COLUMNS = 'm.id, m.role, m.content, m.conversation_id, c.title, c.updated_at';

function toHit(row: MessageHitRow): SearchHit & { text: string } {
  return {
    conversationId: row.conversation_id,
    conversationTitle: row.title,
    messageId: row.id,
    role: row.role,
    snippet: '',
    highlights: [],
    updatedAt: row.updated_at,
    text: row.content,
  };
}

function stripText(hit: SearchHit & { text: string }): SearchHit {
  return {
    conversationId: hit.conversationId,
    conversationTitle: hit.conversationTitle,
    messageId: hit.messageId,
    role: hit.role,
    snippet: hit.snippet,
    highlights: hit.highlights,
    updatedAt: hit.updatedAt,
  };
}
