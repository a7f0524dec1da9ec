import { describe, expect, it } from 'vitest';
import type { RawStreamEntry } from '../../../src-preload/contract/types';
import { PathSyntaxError, StreamMerge, getAtPath, mergeEntries, parsePath } from './extractPath';

const event = (data: string, at = 0): RawStreamEntry => ({ at, type: 'event', event: '', id: '', data });
const chunk = (delta: Record<string, unknown>): RawStreamEntry =>
  event(JSON.stringify({ choices: [{ index: 0, delta }] }));

function syntaxError(path: string): PathSyntaxError {
  try {
    parsePath(path);
  } catch (error) {
    if (error instanceof PathSyntaxError) return error;
    throw error;
  }
  throw new Error(`"${path}" parsed without an error`);
}

describe('parsePath', () => {
  it('reads names, indexes and quoted keys', () => {
    expect(parsePath('choices[0].delta.content')).toEqual([
      { kind: 'key', key: 'choices' },
      { kind: 'index', index: 0 },
      { kind: 'key', key: 'delta' },
      { kind: 'key', key: 'content' },
    ]);
    expect(parsePath('a.b[2].c')).toEqual([
      { kind: 'key', key: 'a' },
      { kind: 'key', key: 'b' },
      { kind: 'index', index: 2 },
      { kind: 'key', key: 'c' },
    ]);
    expect(parsePath('["weird key"].x')).toEqual([
      { kind: 'key', key: 'weird key' },
      { kind: 'key', key: 'x' },
    ]);
    expect(parsePath(`['it\\'s'][-1]`)).toEqual([
      { kind: 'key', key: "it's" },
      { kind: 'index', index: -1 },
    ]);
  });

  it('accepts a leading $ for the root and trims surrounding spaces', () => {
    expect(parsePath('$')).toEqual([]);
    expect(parsePath(' $.usage.total_tokens ')).toEqual([
      { kind: 'key', key: 'usage' },
      { kind: 'key', key: 'total_tokens' },
    ]);
    expect(parsePath('$[0]')).toEqual([{ kind: 'index', index: 0 }]);
  });

  it('rejects malformed paths with a code and a position', () => {
    expect(syntaxError('').code).toBe('empty');
    expect(syntaxError('a..b')).toMatchObject({ code: 'expectedName', position: 2 });
    expect(syntaxError('a.')).toMatchObject({ code: 'expectedName' });
    expect(syntaxError('.a')).toMatchObject({ code: 'unexpectedCharacter', position: 0 });
    expect(syntaxError('choices[0')).toMatchObject({ code: 'unterminatedBracket', position: 7 });
    expect(syntaxError('choices[x]')).toMatchObject({ code: 'badIndex' });
    expect(syntaxError('choices[1.5]').message).toContain('not an index');
    expect(syntaxError('["open')).toMatchObject({ code: 'unterminatedString' });
    expect(syntaxError('a b')).toMatchObject({ code: 'unexpectedCharacter', position: 1 });
    expect(syntaxError('a[0]b')).toMatchObject({ code: 'unexpectedCharacter', position: 4 });
  });
});

describe('getAtPath', () => {
  const value = { a: { b: [10, 20, { c: 'deep' }] }, list: [1, 2, 3] };

  it('follows nested fields and array indexes, negative ones from the end', () => {
    expect(getAtPath(value, parsePath('a.b[2].c'))).toEqual({ found: true, value: 'deep' });
    expect(getAtPath(value, parsePath('list[-1]'))).toEqual({ found: true, value: 3 });
    expect(getAtPath(value, parsePath('$'))).toEqual({ found: true, value });
  });

  it('reports missing fields, out-of-range indexes and type mismatches as not found', () => {
    expect(getAtPath(value, parsePath('a.x'))).toEqual({ found: false });
    expect(getAtPath(value, parsePath('list[3]'))).toEqual({ found: false });
    expect(getAtPath(value, parsePath('list[-4]'))).toEqual({ found: false });
    expect(getAtPath(value, parsePath('a[0]'))).toEqual({ found: false });
    expect(getAtPath(value, parsePath('list.length'))).toEqual({ found: false });
  });

  it('never walks into the prototype', () => {
    expect(getAtPath({}, parsePath('constructor'))).toEqual({ found: false });
    expect(getAtPath({}, parsePath('__proto__'))).toEqual({ found: false });
    expect(getAtPath({}, parsePath('["toString"]'))).toEqual({ found: false });
  });
});

describe('mergeEntries', () => {
  const entries: RawStreamEntry[] = [
    { at: 1, type: 'comment', event: '', id: '', data: 'keep-alive' },
    chunk({ role: 'assistant', content: null }),
    chunk({ reasoning_content: 'Think' }),
    chunk({ content: 'Hel' }),
    chunk({ content: 'lo' }),
    chunk({ content: { nested: true } }),
    chunk({ content: 7 }),
    chunk({ content: false }),
    event('not json {'),
    event('[DONE]'),
    { at: 9, type: 'error-body', event: '', id: '', data: '{"error":"x"}' },
  ];

  it('concatenates strings and stringifies numbers and booleans', () => {
    const result = mergeEntries(entries, 'choices[0].delta.content');
    expect(result.text).toBe('Hello7false');
    expect(result.used).toBe(4);
  });

  it('counts each skipped event by reason; comments and error bodies only separately', () => {
    const result = mergeEntries(entries, 'choices[0].delta.content');
    expect(result).toMatchObject({
      skippedNotJson: 2,
      skippedMissing: 2,
      skippedNotText: 1,
      comments: 1,
      errorBodies: 1,
    });
    expect(result.perEntry).toHaveLength(9);
    expect(result.perEntry[0]).toEqual({ index: 1, value: null, reason: 'missing' });
    expect(result.perEntry[2]).toEqual({ index: 3, value: 'Hel', reason: 'used' });
    expect(result.perEntry.find((item) => item.index === 9)?.reason).toBe('notJson');
  });

  it('merges another field with the same entries', () => {
    const result = mergeEntries(entries, 'choices[0].delta.reasoning_content');
    expect(result.text).toBe('Think');
    expect(result.used).toBe(1);
    expect(result.skippedMissing).toBe(6);
  });

  it('reads numbers at the top level of a usage chunk', () => {
    const result = mergeEntries([event('{"usage":{"total_tokens":42}}')], 'usage.total_tokens');
    expect(result.text).toBe('42');
  });

  it('read a part at a time, as the log grows, merges what one reading of the whole log merges', () => {
    const { perEntry: _perEntry, ...whole } = mergeEntries(entries, 'choices[0].delta.content');
    for (const part of [1, 2, 4]) {
      const merge = new StreamMerge(parsePath('choices[0].delta.content'));
      for (let shown = 0; shown <= entries.length; shown++) {
        const grown = entries.slice(0, shown).map((entry) => ({ ...entry }));
        while (!merge.advance(grown, part));
      }
      expect(merge.processed).toBe(entries.length);
      expect(merge.result()).toEqual(whole);
    }
  });

  it('throws a clear error for an invalid path', () => {
    expect(() => mergeEntries(entries, 'choices[')).toThrow(PathSyntaxError);
    expect(() => mergeEntries(entries, 'choices[')).toThrow(/not closed/);
  });
});
