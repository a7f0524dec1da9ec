import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { createI18nPlugin } from '.';
import { KEYMAP } from '../../../src-preload/shared/keymap';
import en from './en';
import ja from './ja';
import { leaves, type Tree } from './testSupport';

afterEach(() => vi.restoreAllMocks());

const placeholders = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();

describe('the whole catalogue', () => {
  it('has exactly the same keys in Japanese as in English, at every depth', () => {
    // Checked by the type checker (npm run typecheck) as well as here: an extra or a missing key fails both.
    expectTypeOf(ja).toEqualTypeOf(en);
    expect([...leaves(ja as Tree).keys()].sort()).toEqual([...leaves(en as Tree).keys()].sort());
  });

  it('uses the same placeholders in both languages', () => {
    const japanese = leaves(ja as Tree);
    for (const [path, text] of leaves(en as Tree)) {
      expect({ path, placeholders: placeholders(japanese.get(path) ?? '') }).toEqual({
        path,
        placeholders: placeholders(text),
      });
    }
  });

  it('compiles every message in both languages without a syntax error', () => {
    // vue-i18n reports a message it cannot compile (a bare `@` starts a linked message) on the console.
    const complaints = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const locale of ['en', 'ja'] as const) {
      const { t } = createI18nPlugin(locale).global;
      for (const [path, text] of leaves((locale === 'en' ? en : ja) as Tree)) {
        const named = Object.fromEntries([...text.matchAll(/\{(\w+)\}/g)].map(([, name]) => [name!, `<${name}>`]));
        const shown = t(path, named);
        expect({ locale, path, shown: typeof shown }).toEqual({ locale, path, shown: 'string' });
      }
    }
    expect(complaints.mock.calls).toEqual([]);
    expect(warnings.mock.calls).toEqual([]);
  });

  it('says the literal @ of a user@host address', () => {
    const i18n = createI18nPlugin('en');
    expect(i18n.global.t('links.userInfoFlag', { user: 'bank.example' })).toBe('hides its host behind “bank.example@”');
  });
});

describe('the names of the shortcuts', () => {
  it('are whole sentences in both languages, each pinned conversation with its own number', () => {
    for (const locale of ['en', 'ja'] as const) {
      const { t, te } = createI18nPlugin(locale).global;
      const names = KEYMAP.map((entry) => {
        expect(te(entry.label), entry.label).toBe(true);
        return t(entry.label, entry.labelValues ?? {});
      });
      for (const name of names) expect(name).not.toMatch(/[{}]/);
      const pinned = KEYMAP.flatMap((entry, index) =>
        entry.id.startsWith('conversation.pinned') ? [names[index]] : [],
      );
      expect(pinned).toHaveLength(9);
      expect(new Set(pinned).size).toBe(9);
      expect(pinned[2]).toContain('3');
    }
  });
});
