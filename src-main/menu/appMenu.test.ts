import { describe, expect, it } from 'vitest';
import { KEYMAP } from '../../src-preload/shared/keymap';
import { buildMenuTemplate, flattenMenu, type MenuPlatform } from './appMenu';

const platforms: MenuPlatform[] = ['darwin', 'win32', 'linux'];

describe('application menu', () => {
  it.each(platforms)('has File, Edit, View, Window and Help on %s, with the app menu first on macOS', (platform) => {
    const labels = buildMenuTemplate({ platform, language: 'en', isPackaged: true }).map((item) => item.label);
    const expected = ['File', 'Edit', 'View', 'Window', 'Help'];
    expect(labels).toEqual(platform === 'darwin' ? ['Nagare', ...expected] : expected);
  });

  it.each(platforms)('shows every menu command of the keymap with the keymap accelerator on %s', (platform) => {
    const items = flattenMenu(buildMenuTemplate({ platform, language: 'en', isPackaged: true }));
    const keys = platform === 'darwin' ? 'mac' : 'other';
    for (const entry of KEYMAP.filter((binding) => binding.menu)) {
      const item = items.find((candidate) => candidate.command === entry.id);
      expect(item, entry.id).toBeDefined();
      expect(item?.accelerator).toBe(entry.keys[keys]);
      expect(item?.label, entry.id).toBeTruthy();
    }
  });

  it.each(platforms)('never gives two items one accelerator on %s', (platform) => {
    const accelerators = flattenMenu(buildMenuTemplate({ platform, language: 'ja', isPackaged: false }))
      .map((item) => item.accelerator)
      .filter(Boolean);
    expect(new Set(accelerators).size).toBe(accelerators.length);
  });

  it('has the standard edit roles everywhere', () => {
    for (const platform of platforms) {
      const roles = flattenMenu(buildMenuTemplate({ platform, language: 'en', isPackaged: true })).map(
        (item) => item.role,
      );
      for (const role of ['undo', 'redo', 'cut', 'copy', 'paste', 'selectAll'])
        expect(roles, `${platform} ${role}`).toContain(role);
    }
  });

  it('offers reload and developer tools only outside packaged builds', () => {
    for (const platform of platforms) {
      const packaged = flattenMenu(buildMenuTemplate({ platform, language: 'en', isPackaged: true })).map(
        (item) => item.role,
      );
      const dev = flattenMenu(buildMenuTemplate({ platform, language: 'en', isPackaged: false })).map(
        (item) => item.role,
      );
      expect(packaged).not.toContain('reload');
      expect(packaged).not.toContain('toggleDevTools');
      expect(packaged).not.toContain('forceReload');
      expect(dev).toContain('toggleDevTools');
    }
  });

  it('differs where the platforms do', () => {
    const mac = flattenMenu(buildMenuTemplate({ platform: 'darwin', language: 'en', isPackaged: true }));
    const linux = flattenMenu(buildMenuTemplate({ platform: 'linux', language: 'en', isPackaged: true }));
    const roles = (items: typeof mac) => items.map((item) => item.role);
    // macOS: Settings and Quit in the app menu, the services and hide roles, zoom and front in Window.
    for (const role of ['services', 'hide', 'hideOthers', 'pasteAndMatchStyle', 'zoom', 'front']) {
      expect(roles(mac)).toContain(role);
      expect(roles(linux)).not.toContain(role);
    }
    const macSettings = mac.filter((item) => item.command === 'settings.open');
    expect(macSettings).toHaveLength(1);
    expect(buildMenuTemplate({ platform: 'darwin', language: 'en', isPackaged: true })[0]?.submenu).toContainEqual(
      macSettings[0],
    );
    expect(linux.find((item) => item.command === 'settings.open')?.accelerator).toBe('Ctrl+,');
    expect(macSettings[0]?.accelerator).toBe('Cmd+,');
  });

  it('speaks Japanese when asked', () => {
    const labels = buildMenuTemplate({ platform: 'win32', language: 'ja', isPackaged: true }).map((item) => item.label);
    expect(labels).toEqual(['ファイル', '編集', '表示', 'ウインドウ', 'ヘルプ']);
  });
});
