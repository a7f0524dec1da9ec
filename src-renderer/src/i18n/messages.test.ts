import { afterEach, describe, expect, it, vi } from 'vitest';
import { createI18nPlugin } from '.';
import en from './en';
import ja from './ja';
import { leaves, type Tree } from './testSupport';

afterEach(() => vi.restoreAllMocks());

describe('the whole catalogue', () => {
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
