import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import en from '../../i18n/settings.en.json';
import ja from '../../i18n/settings.ja.json';
import { leaves, type Tree } from '../../i18n/testSupport';

const placeholders = (text: string) => [...new Set(text.match(/\{\w+\}/g) ?? [])].sort();

describe('settings messages', () => {
  const english = leaves(en as Tree);
  const japanese = leaves(ja as Tree);

  it('has the same keys in English and Japanese', () => {
    expect([...japanese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it('uses the same placeholders in both languages', () => {
    for (const [path, text] of english) {
      expect({ path, placeholders: placeholders(japanese.get(path) ?? '') }).toEqual({
        path,
        placeholders: placeholders(text),
      });
    }
  });

  it('holds no characters vue-i18n would read as syntax', () => {
    // `@` starts a linked message and `|` separates plural forms; only plural messages may use `|`.
    const plural = new Set([
      'providers.editor.fetchedModels',
      'providers.key.verifyOk',
      'data.progressConversations',
      'data.importedConversations',
      'data.importedMessages',
      'data.alreadyPresent',
      'data.skippedTitle',
    ]);
    for (const [path, text] of [...english, ...japanese]) {
      expect({ path, at: text.includes('@') }).toEqual({ path, at: false });
      if (!plural.has(path)) expect({ path, pipe: text.includes('|') }).toEqual({ path, pipe: false });
    }
  });
});

describe('settings messages at run time', () => {
  const i18n = createI18n({ legacy: false, locale: 'en', messages: { en: { settings: en }, ja: { settings: ja } } });
  const { t } = i18n.global;

  it('chooses the plural form in English and the single form in Japanese', () => {
    expect(t('settings.providers.key.verifyOk', 0)).toBe('✓ Connected, no models listed');
    expect(t('settings.providers.key.verifyOk', 1)).toBe('✓ 1 model');
    expect(t('settings.providers.key.verifyOk', 42)).toBe('✓ 42 models');
    i18n.global.locale.value = 'ja';
    expect(t('settings.providers.key.verifyOk', 42)).toBe('✓ 接続できました（42 個のモデル）');
    expect(t('settings.providers.key.hint')).toContain('システムのキーチェーン');
    expect(t('settings.data.paths.win32')).toBe('%APPDATA%\\Nagare');
    expect(t('settings.data.importedConversations', { count: '1,200' }, 1200)).toBe(
      '会話 1,200 件をインポートしました',
    );
    i18n.global.locale.value = 'en';
    expect(t('settings.data.importedConversations', { count: '0' }, 0)).toBe('No new conversations were imported.');
    expect(t('settings.data.skippedTitle', { count: '1' }, 1)).toBe('1 entry was left out:');
    expect(t('settings.data.skippedTitle', { count: '1,200' }, 1200)).toBe('1,200 entries were left out:');
  });
});
