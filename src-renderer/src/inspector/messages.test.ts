import { describe, expect, it } from 'vitest';
import en from '../i18n/inspector.en.json';
import ja from '../i18n/inspector.ja.json';
import type { PathErrorCode } from './extractPath';

/** Every leaf key of a message object, as dotted paths. */
function keysOf(messages: object, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null ? keysOf(value as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

/** Every message text. */
function leavesOf(messages: object): string[] {
  return Object.values(messages).flatMap((value) =>
    typeof value === 'object' && value !== null ? leavesOf(value as object) : [String(value)],
  );
}

/** Placeholders such as `{count}` in every message, by key. */
function placeholdersOf(messages: object): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const walk = (value: object, prefix: string) => {
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'object' && item !== null) walk(item as object, `${prefix}${key}.`);
      else out[`${prefix}${key}`] = [...String(item).matchAll(/\{(\w+)\}/g)].map((match) => match[1]!).sort();
    }
  };
  walk(messages, '');
  return out;
}

describe('inspector messages', () => {
  it('has the same keys in English and Japanese', () => {
    expect(keysOf(ja).sort()).toEqual(keysOf(en).sort());
  });

  it('uses the same placeholders in both languages', () => {
    expect(placeholdersOf(ja)).toEqual(placeholdersOf(en));
  });

  it('has a message for every path error', () => {
    const codes: PathErrorCode[] = [
      'empty',
      'unexpectedCharacter',
      'expectedName',
      'unterminatedBracket',
      'unterminatedString',
      'badIndex',
    ];
    expect(Object.keys(en.merge.errors).sort()).toEqual([...codes].sort());
  });

  it('avoids characters that vue-i18n would read as syntax', () => {
    const texts = [...leavesOf(en), ...leavesOf(ja)];
    expect(texts.length).toBeGreaterThan(50);
    for (const text of texts) expect(text).not.toMatch(/[@$|]/);
  });
});
