/** The providers the user has set up, kept in `providers.json`. Keys are never here: they are in the keychain. */
import { z } from 'zod';
import type { ProviderView } from '../../src-preload/contract/types';
import type { providerSaveInput } from '../../src-preload/contract/schemas';
import { AppError } from '../common/AppError';
import type { JsonFile } from '../settings/JsonFile';
import { findPreset } from './presets';

export const storedProviderSchema = z.object({
  id: z.string().min(1),
  presetId: z.string().min(1),
  name: z.string(),
  baseUrl: z.string(),
  defaultModel: z.string(),
  models: z.array(z.string()).default([]),
  apiVersion: z.string().optional(),
});
export const storedProvidersSchema = z.object({ providers: z.array(storedProviderSchema) });

type StoredProvider = z.output<typeof storedProviderSchema>;

function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 40) || 'provider'
  );
}

export class ProviderRegistry {
  private providers: StoredProvider[];
  private readonly listeners = new Set<() => void>();

  constructor(private readonly file: JsonFile<typeof storedProvidersSchema>) {
    this.providers = file.read().providers.filter((provider) => findPreset(provider.presetId));
  }

  list(): ProviderView[] {
    return this.providers.map(toView);
  }

  get(providerId: string): ProviderView {
    const provider = this.providers.find((candidate) => candidate.id === providerId);
    if (!provider) throw new AppError('missing', 'That provider is not set up any more. Choose another in Settings.');
    return toView(provider);
  }

  has(providerId: string): boolean {
    return this.providers.some((candidate) => candidate.id === providerId);
  }

  save(input: z.output<typeof providerSaveInput>): ProviderView {
    const preset = findPreset(input.presetId);
    if (!preset) throw new AppError('invalid_request', `Unknown provider preset “${input.presetId}”.`);
    const id = input.id ?? this.freshId(input.presetId === 'custom' ? slug(input.name) : preset.id);
    const stored: StoredProvider = {
      id,
      presetId: preset.id,
      name: input.name.trim(),
      baseUrl: input.baseUrl.trim().replace(/\/+$/, ''),
      defaultModel: input.defaultModel.trim(),
      models: input.models ?? this.providers.find((candidate) => candidate.id === id)?.models ?? [],
      apiVersion: input.apiVersion?.trim() || preset.apiVersion,
    };
    const next = this.providers.some((candidate) => candidate.id === id)
      ? this.providers.map((candidate) => (candidate.id === id ? stored : candidate))
      : [...this.providers, stored];
    this.persist(next);
    return toView(stored);
  }

  /** Remembers the model list a provider answered, for the model pickers. */
  rememberModels(providerId: string, models: string[]): void {
    const next = this.providers.map((candidate) =>
      candidate.id === providerId ? { ...candidate, models } : candidate,
    );
    this.persist(next);
  }

  remove(providerId: string): void {
    this.persist(this.providers.filter((candidate) => candidate.id !== providerId));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private persist(next: StoredProvider[]): void {
    this.file.write({ providers: next });
    this.providers = next;
    for (const listener of this.listeners) listener();
  }

  private freshId(base: string): string {
    let id = base;
    for (let n = 2; this.providers.some((candidate) => candidate.id === id); n++) id = `${base}-${n}`;
    return id;
  }
}

function toView(provider: StoredProvider): ProviderView {
  const preset = findPreset(provider.presetId);
  if (!preset) throw new AppError('internal', `Unknown provider preset “${provider.presetId}”.`);
  return {
    id: provider.id,
    presetId: preset.id,
    name: provider.name,
    baseUrl: provider.baseUrl,
    authStyle: preset.authStyle,
    needsKey: preset.needsKey,
    isLocal: preset.isLocal,
    defaultModel: provider.defaultModel || preset.defaultModels[0] || '',
    models: provider.models.length > 0 ? provider.models : [...preset.defaultModels],
    apiVersion: provider.apiVersion,
    custom: preset.id === 'custom',
    keyEnvVar: preset.keyEnvVar || 'OPENAI_API_KEY',
  };
}
