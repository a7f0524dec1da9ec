import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { settingsUpdateInput, storedSettings } from '../../src-preload/contract/schemas';
import { LANGUAGE_PREFERENCES, THEME_PREFERENCES } from '../../src-preload/contract/types';
import { DEFAULT_SETTINGS, SettingsService } from './SettingsService';

let directory: string;
let path: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'nagare-settings-'));
  path = join(directory, 'settings.json');
});
afterEach(() => rmSync(directory, { recursive: true, force: true }));

describe('settings defaults and schema', () => {
  it('takes its defaults from the schema', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      theme: 'system',
      language: 'system',
      defaultProviderId: null,
      defaultParameters: {},
      quickAskShortcut: '',
      idleTimeoutSeconds: 60,
      sidebarCollapsed: false,
    });
    expect(storedSettings.parse({})).toEqual(DEFAULT_SETTINGS);
  });

  it('builds the theme and language choices from the one list each', () => {
    expect(storedSettings.shape.theme.unwrap().options).toEqual([...THEME_PREFERENCES]);
    expect(storedSettings.shape.language.unwrap().options).toEqual([...LANGUAGE_PREFERENCES]);
    expect(settingsUpdateInput.safeParse({ theme: 'sepia' }).success).toBe(false);
    expect(settingsUpdateInput.safeParse({ language: 'ja', theme: 'dark' }).success).toBe(true);
  });

  it('checks an update strictly where the stored file is read leniently', () => {
    expect(settingsUpdateInput.safeParse({ idleTimeoutSeconds: 1 }).success).toBe(false);
    expect(settingsUpdateInput.safeParse({ fontSize: 14 }).success).toBe(false);
    expect(storedSettings.parse({ idleTimeoutSeconds: 1, fontSize: 14 })).toEqual(DEFAULT_SETTINGS);
  });
});

describe('SettingsService', () => {
  it('starts from the defaults when there is no file, and keeps what is saved', () => {
    const first = SettingsService.at(path);
    expect(first.get()).toEqual(DEFAULT_SETTINGS);
    first.update({ theme: 'dark', language: 'ja', defaultParameters: { temperature: 0.3 } });
    const reopened = SettingsService.at(path);
    expect(reopened.get()).toEqual({
      ...DEFAULT_SETTINGS,
      theme: 'dark',
      language: 'ja',
      defaultParameters: { temperature: 0.3 },
    });
  });

  it('keeps the good fields of a hand-edited file and defaults the broken ones', () => {
    writeFileSync(
      path,
      JSON.stringify({ theme: 'dark', language: 'klingon', idleTimeoutSeconds: '90', quickAskShortcut: 'Alt+Space' }),
    );
    expect(SettingsService.at(path).get()).toEqual({
      ...DEFAULT_SETTINGS,
      theme: 'dark',
      quickAskShortcut: 'Alt+Space',
    });
  });

  it('never hands out its own state or the shared defaults to be changed', () => {
    const service = SettingsService.at(path);
    service.get().defaultParameters.temperature = 2;
    expect(service.get().defaultParameters).toEqual({});
    expect(DEFAULT_SETTINGS.defaultParameters).toEqual({});
  });

  it('tells listeners about a change and writes the file', () => {
    const service = SettingsService.at(path);
    const seen: string[] = [];
    const stop = service.onChange((settings) => seen.push(settings.theme));
    service.update({ theme: 'light' });
    stop();
    service.update({ theme: 'dark' });
    expect(seen).toEqual(['light']);
    expect(JSON.parse(readFileSync(path, 'utf8')).theme).toBe('dark');
  });
});
