import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RECENT_SCAN_MESSAGES, makeSnippet, parseQuery } from './search';
import { openStore, removeTempDirs, type TestStore } from './testSupport';

let store: TestStore;
beforeEach(() => {
  store = openStore();
});
afterEach(() => {
  store.close();
  removeTempDirs();
});

function say(conversationId: string, content: string, parent: string | null = null): string {
  return store.repo.addUserMessage(conversationId, parent, content).id;
}

/** The highlighted substrings of a hit's snippet. */
function highlighted(hit: { snippet: string; highlights: Array<[number, number]> }): string[] {
  return hit.highlights.map(([start, end]) => hit.snippet.slice(start, end));
}

describe('search', () => {
  it('finds English words case-insensitively and highlights them', () => {
    const { id } = store.repo.createConversation({ title: 'Cooking' });
    const message = say(id, 'The Quick brown fox jumps over the lazy dog near the riverbank at dawn.');
    const hits = store.repo.search('quick');
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({
      conversationId: id,
      conversationTitle: 'Cooking',
      messageId: message,
      role: 'user',
    });
    expect(highlighted(hits[0] ?? { snippet: '', highlights: [] })).toEqual(['Quick']);
    expect(store.repo.search('QUICK FOX').map((h) => h.messageId)).toEqual([message]);
    expect(store.repo.search('quick cat')).toEqual([]);
  });

  it('finds Japanese substrings without word boundaries, including two-character queries', () => {
    const { id } = store.repo.createConversation({ title: 'メモ' });
    const japanese = say(id, '今日は日本語の文章を書く練習をしました。');
    say(id, '東京タワーに行きました。');
    const three = store.repo.search('日本語');
    expect(three.map((h) => h.messageId)).toEqual([japanese]);
    expect(highlighted(three[0] ?? { snippet: '', highlights: [] })).toEqual(['日本語']);
    const two = store.repo.search('日本');
    expect(two.map((h) => h.messageId)).toEqual([japanese]);
    const hit = two[0];
    expect(hit?.snippet).toBe('今日は日本語の文章を書く練習をしました。');
    expect(hit?.highlights).toEqual([[3, 5]]);
    expect(store.repo.search('文章 練習').map((h) => h.messageId)).toEqual([japanese]);
    // A long term through the index, filtered by a short one.
    expect(store.repo.search('タワー 東京').map((h) => h.messageId)).toHaveLength(1);
    expect(store.repo.search('タワー 日本')).toEqual([]);
  });

  it('finds short terms anywhere in history, not only in recent messages, and at the very end of a text', () => {
    const { id } = store.repo.createConversation({ title: 'T' });
    const old = say(id, '古い鯨肉');
    const single = say(id, '鯨');
    const insert = store.opened.db.prepare(
      "INSERT INTO messages (id, conversation_id, role, content, status, created_at) VALUES (?, ?, 'user', ?, 'complete', 0)",
    );
    store.opened.db.transaction(() => {
      for (let i = 0; i < RECENT_SCAN_MESSAGES + 100; i++) insert.run(`filler-${i}`, id, `filler text number ${i}`);
    })();
    expect(store.repo.search('鯨肉').map((h) => h.messageId)).toEqual([old]);
    expect(store.repo.search('鯨').map((h) => h.messageId)).toEqual([single, old]);
    expect(store.repo.search('古い').map((h) => h.messageId)).toEqual([old]);
    // A single common character expands to too many trigrams and falls back to a scan, which still works.
    expect(store.repo.search('r', 3)).toHaveLength(3);
  });

  it('finds conversation titles, before message hits, and lists a conversation once', () => {
    const { id } = store.repo.createConversation({ title: 'Holiday in Kyoto' });
    const message = say(id, 'Kyoto temples list');
    const other = store.repo.createConversation({ title: 'Trip to Kyoto' });
    say(other.id, 'nothing about the city here');
    const hits = store.repo.search('kyoto');
    // The first conversation is listed by its matching message, the second by its title.
    expect(hits.map((h) => [h.conversationId, h.messageId, h.role])).toEqual([
      [other.id, null, null],
      [id, message, 'user'],
    ]);
    expect(highlighted(hits[0] ?? { snippet: '', highlights: [] })).toEqual(['Kyoto']);
  });

  it('keeps the index in sync on edit and delete, and hides deleted conversations', () => {
    const { id } = store.repo.createConversation({ title: 'T' });
    const question = say(id, 'placeholder');
    const reply = store.repo.beginAssistantMessage(id, question, 'm');
    store.repo.appendOrFlush(reply.id, { content: 'streaming text about walruses' });
    expect(store.repo.search('walruses')).toEqual([]);
    store.repo.finishMessage(reply.id, { status: 'complete', content: 'final text about narwhals' });
    expect(store.repo.search('walruses')).toEqual([]);
    expect(store.repo.search('narwhals').map((h) => h.messageId)).toEqual([reply.id]);
    store.repo.rename(id, 'Arctic animals');
    expect(store.repo.search('arctic').map((h) => h.conversationId)).toEqual([id]);
    store.repo.deleteMessage(reply.id);
    expect(store.repo.search('narwhals')).toEqual([]);
    store.repo.deleteConversation(id);
    expect(store.repo.search('arctic')).toEqual([]);
    expect(store.repo.search('place')).toEqual([]);
    expect(store.repo.search('pl')).toEqual([]);
  });

  it('never throws on FTS syntax or LIKE wildcards in the query', () => {
    const { id } = store.repo.createConversation({ title: 'T' });
    const message = say(id, 'Use "quotes" AND (parens) with C++ and 100% of_it* NEAR here -- x:y ^caret');
    for (const query of [
      '"',
      '""',
      '"quotes"',
      'AND',
      '(parens)',
      'C++',
      'NEAR(',
      'x:y',
      '^caret',
      '*',
      '-- ',
      '100%',
      'of_it*',
      "'",
      '\\',
    ]) {
      expect(() => store.repo.search(query), query).not.toThrow();
    }
    expect(store.repo.search('C++').map((h) => h.messageId)).toEqual([message]);
    expect(store.repo.search('"quotes"').map((h) => h.messageId)).toEqual([message]);
    expect(store.repo.search('0%').map((h) => h.messageId)).toEqual([message]);
    expect(store.repo.search('x_')).toEqual([]);
    expect(store.repo.search('f_')).toHaveLength(1);
    expect(store.repo.search('%')).toHaveLength(1);
    fc.assert(
      fc.property(fc.string({ maxLength: 20 }), (query) => {
        store.repo.search(query);
      }),
      { numRuns: 300 },
    );
  });

  it('treats a NUL or another control character in the query as a space', () => {
    const { id } = store.repo.createConversation({ title: 'T' });
    const message = say(id, 'hello wide world');
    expect(store.repo.search('hello\u0000world').map((h) => h.messageId)).toEqual([message]);
    expect(store.repo.search('\u0000').map((h) => h.messageId)).toEqual([]);
    expect(store.repo.search('wo\u0000').map((h) => h.messageId)).toEqual([message]);
    expect(parseQuery('a\u0000b\u0007c\u007fd')).toEqual(['a', 'b', 'c', 'd']);
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (query) => {
        store.repo.search(query);
      }),
      { numRuns: 300 },
    );
  });

  it('returns newest messages first and honours the limit', () => {
    const { id } = store.repo.createConversation({ title: 'T' });
    const ids = Array.from({ length: 5 }, (_, i) => say(id, `repeated phrase number ${i}`));
    expect(store.repo.search('repeated', 3).map((h) => h.messageId)).toEqual(ids.slice(2).reverse());
    expect(store.repo.search('', 3)).toEqual([]);
  });
});

describe('makeSnippet', () => {
  it('windows about 40 characters around the first match with ellipses', () => {
    const text = `${'a'.repeat(100)} NEEDLE ${'b'.repeat(100)}`;
    const { snippet, highlights } = makeSnippet(text, ['needle']);
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet.length).toBeLessThanOrEqual(42);
    expect(highlights).toHaveLength(1);
    const [start, end] = highlights[0] ?? [0, 0];
    expect(snippet.slice(start, end)).toBe('NEEDLE');
  });

  it('highlights every term, merges overlaps, and collapses whitespace', () => {
    const { snippet, highlights } = makeSnippet('abc\n\n  abcd', ['abc', 'bcd']);
    expect(snippet).toBe('abc abcd');
    expect(highlights).toEqual([
      [0, 3],
      [4, 8],
    ]);
  });

  it('offsets always point at a case-insensitive match of a term', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.string({ minLength: 1, maxLength: 5 }), (text, term) => {
        const clean = term.trim();
        fc.pre(clean.length > 0 && !/\s/.test(clean));
        const { snippet, highlights } = makeSnippet(text, [clean]);
        for (const [start, end] of highlights) {
          expect(start).toBeLessThan(end);
          expect(end).toBeLessThanOrEqual(snippet.length);
          expect(snippet.slice(start, end).toLowerCase()).toContain(clean.toLowerCase().slice(0, 1));
        }
      }),
    );
  });

  it('splits queries on whitespace only', () => {
    expect(parseQuery('  a  "b c" a ')).toEqual(['a', '"b', 'c"']);
  });
});
