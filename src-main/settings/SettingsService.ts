/** The user's preferences, kept in `settings.json` in the user-data folder. */
import type { Settings } from '../../src-preload/contract';
import { storedSettings, type settingsUpdateInput } from '../../src-preload/contract/schemas';
import type { z } from 'zod';
import { JsonFile } from './JsonFile';

/** What a new install starts with: every field's default, from the schema. */
export const DEFAULT_SETTINGS: Settings = Object.freeze(storedSettings.parse({}));

export class SettingsService {
  private current: Settings;
  private readonly listeners = new Set<(settings: Settings) => void>();

  constructor(private readonly file: JsonFile<typeof storedSettings>) {
    this.current = file.read();
  }

  static at(path: string): SettingsService {
    return new SettingsService(new JsonFile(path, storedSettings, () => structuredClone(DEFAULT_SETTINGS)));
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
