import { describe, expect, it, vi } from 'vitest';
import type { Settings } from '../../src-preload/contract/types';
import { AppError } from '../common/AppError';
import { updateSettings, type SettingsEffects } from './updateSettings';

function setUp(shortcutAccepted: (accelerator: string) => boolean) {
  let current: Settings = {
    theme: 'system',
    language: 'system',
    defaultProviderId: null,
    defaultParameters: {},
    quickAskShortcut: 'Alt+Space',
    idleTimeoutSeconds: 60,
    sidebarCollapsed: false,
  };
  const settings = {
    get: () => structuredClone(current),
    update: vi.fn((patch: Partial<Settings>) => (current = { ...current, ...patch })),
  };
  const effects: SettingsEffects = {
    assertProvider: vi.fn((providerId: string) => {
      if (providerId !== 'openai') throw new AppError('missing', 'No such provider.');
    }),
    applyShortcut: vi.fn(shortcutAccepted),
  };
  return { settings, effects, current: () => current };
}

describe('updateSettings', () => {
  it('registers a new shortcut before saving it', () => {
    const { settings, effects, current } = setUp(() => true);
    updateSettings(settings, effects, { quickAskShortcut: 'Control+Shift+K' });
    expect(effects.applyShortcut).toHaveBeenCalledWith('Control+Shift+K');
    expect(current().quickAskShortcut).toBe('Control+Shift+K');
  });

  it('puts the old shortcut back and saves nothing when the OS refuses the new one', () => {
    const { settings, effects, current } = setUp((accelerator) => accelerator === 'Alt+Space');
    expect(() => updateSettings(settings, effects, { quickAskShortcut: 'Control+C', theme: 'dark' })).toThrow(
      /“Control\+C” cannot be used/,
    );
    expect(vi.mocked(effects.applyShortcut).mock.calls).toEqual([['Control+C'], ['Alt+Space']]);
    expect(settings.update).not.toHaveBeenCalled();
    expect(current().theme).toBe('system');
  });

  it('leaves an unchanged shortcut alone, and refuses an unknown default provider', () => {
    const { settings, effects, current } = setUp(() => true);
    updateSettings(settings, effects, { quickAskShortcut: 'Alt+Space', defaultProviderId: 'openai' });
    expect(effects.applyShortcut).not.toHaveBeenCalled();
    expect(current().defaultProviderId).toBe('openai');
    expect(() => updateSettings(settings, effects, { defaultProviderId: 'gone' })).toThrow('No such provider.');
    expect(current().defaultProviderId).toBe('openai');
  });
});
