/**
 * A settings change with effects outside `settings.json`: a new default
 * provider must exist, and a new quick-ask shortcut is registered with the OS
 * before it is saved; when the OS refuses it (another app has it, or it is not
 * a valid accelerator) the old shortcut is registered again and nothing is saved.
 */
import type { z } from 'zod';
import type { Settings } from '../../src-preload/contract';
import type { settingsUpdateInput } from '../../src-preload/contract/schemas';
import { AppError } from '../common/AppError';
import type { SettingsService } from './SettingsService';

/** What applying settings needs besides the settings file. */
export interface SettingsEffects {
  /** Throws `missing` when there is no such provider. */
  assertProvider(providerId: string): void;
  /** Registers the system-wide shortcut; false when the OS refused it. */
  applyShortcut(accelerator: string): boolean;
}

/** Applies `patch`; see the module comment. */
export function updateSettings(
  settings: Pick<SettingsService, 'get' | 'update'>,
  effects: SettingsEffects,
  patch: z.output<typeof settingsUpdateInput>,
): Settings {
  if (patch.defaultProviderId) effects.assertProvider(patch.defaultProviderId);
  const shortcut = patch.quickAskShortcut;
  const previous = settings.get().quickAskShortcut;
  if (shortcut !== undefined && shortcut !== previous && !effects.applyShortcut(shortcut)) {
    effects.applyShortcut(previous);
    throw new AppError(
      'invalid_request',
      `“${shortcut}” cannot be used: another app has it, or it is not a valid shortcut.`,
      { reason: 'shortcut_taken' },
    );
  }
  return settings.update(patch);
}
