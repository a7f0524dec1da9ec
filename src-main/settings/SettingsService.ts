/** The user's preferences, kept in `settings.json` in the user-data folder. */
import { z } from 'zod';
import type { Settings } from '../../src-preload/contract';
import type { settingsUpdateInput } from '../../src-preload/contract/schemas';
import { generationParameters } from '../../src-preload/contract/schemas';
import { JsonFile } from './JsonFile';

const settingsSchema = z.object({
  theme: z.enum(['system', 'light', 'dark']).catch('system'),
  language: z.enum(['system', 'en', 'ja']).catch('system'),
  defaultProviderId: z.string().nullable().catch(null),
  defaultParameters: generationParameters.catch({}),
  quickAskShortcut: z.string().catch(''),
  idleTimeoutSeconds: z.number().int().min(5).max(3600).catch(60),
});

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  language: 'system',
  defaultProviderId: null,
  defaultParameters: {},
  quickAskShortcut: '',
  idleTimeoutSeconds: 60,
};

export class SettingsService {
  private current: Settings;
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(private readonly file: JsonFile<typeof settingsSchema>) {
    this.current = file.read();
  }

  static at(path: string): SettingsService {
    return new SettingsService(new JsonFile(path, settingsSchema, () => ({ ...DEFAULT_SETTINGS })));
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  update(patch: z.output<typeof settingsUpdateInput>): Settings {
    const next: Settings = { ...this.current };
    for (const [key, value] of Object.entries(patch)) {
      if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
    }
    this.file.write(next);
    this.current = next;
    for (const listener of this.listeners) listener(this.get());
    return this.get();
  }

  onChange(listener: (settings: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
