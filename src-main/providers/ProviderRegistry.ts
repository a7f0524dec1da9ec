/**
 * The providers the user has set up, kept in `providers.json`. Keys are never here: they are in
 * the keychain. Rules about what may be saved (the URL, the key's origin) are `ProvidersService`'s.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { isOnThisComputer, isUnencryptedRemote } from '../../src-preload/contract/baseUrl';
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
  /**
   * The user said this plain-http server is on their local network. Absent in files written
   * before the mark existed: an http provider to another machine set up then keeps working,
   * and is shown as not encrypted.
   */
  localNetwork: z.boolean().optional(),
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

/** A new provider's id: the preset or name, and a random part, so an id (a keychain account) is never used twice. */
function mintId(base: string): string {
  return `${base}-${randomUUID().slice(0, 8)}`;
}

export class ProviderRegistry {
  private providers: StoredProvider[];
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly file: JsonFile<typeof storedProvidersSchema>,
    private readonly newId: (base: string) => string = mintId,
  ) {
    this.providers = file.read().providers.filter((provider) => findPreset(provider.presetId));
  }

  list(): ProviderView[] {
    return this.providers.map(toView);
  }

  get(providerId: string): ProviderView {
    const provider = this.providers.find((candidate) => candidate.id === providerId);
    if (!provider)
      throw new AppError('missing', 'That provider is not set up any more. Choose another in Settings.', {
        reason: 'provider_gone',
      });
    return toView(provider);
  }

  has(providerId: string): boolean {
    return this.providers.some((candidate) => candidate.id === providerId);
  }

  /**
   * Adds a provider (no `id`: main mints one) or updates one that exists. An id that is not set up
   * is refused, never created: ids are keychain accounts, and the renderer must not choose them.
   */
  save(input: z.output<typeof providerSaveInput>): ProviderView {
    const preset = findPreset(input.presetId);
    if (!preset) throw new AppError('invalid_request', `Unknown provider preset “${input.presetId}”.`);
    const existing = input.id === undefined ? undefined : this.find(input.id);
    if (input.id !== undefined && !existing) {
      throw new AppError('missing', 'That provider is not set up any more. Add it again in Settings.', {
        reason: 'provider_gone',
      });
    }
    if (existing && existing.presetId !== preset.id) {
      throw new AppError('invalid_request', 'A provider’s service cannot be changed. Add a new provider instead.');
    }
    const id = existing?.id ?? this.freshId(input.presetId === 'custom' ? slug(input.name) : preset.id);
    const baseUrl = input.baseUrl.trim().replace(/\/+$/, '');
    const stored: StoredProvider = {
      id,
      presetId: preset.id,
      name: input.name.trim(),
      baseUrl,
      defaultModel: input.defaultModel.trim(),
      models: input.models ?? existing?.models ?? [],
      apiVersion: input.apiVersion?.trim() || preset.apiVersion,
      // The mark means something only for plain http to another machine.
      localNetwork: isUnencryptedRemote(baseUrl) && input.localNetwork === true,
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

  private find(providerId: string): StoredProvider | undefined {
    return this.providers.find((candidate) => candidate.id === providerId);
  }

  private freshId(base: string): string {
    let id = this.newId(base);
    while (this.find(id)) id = this.newId(base);
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
    isLocal: isOnThisComputer(provider.baseUrl),
    defaultModel: provider.defaultModel || preset.defaultModels[0] || '',
    models: provider.models.length > 0 ? provider.models : [...preset.defaultModels],
    apiVersion: provider.apiVersion,
    custom: preset.id === 'custom',
    keyEnvVar: preset.keyEnvVar || 'OPENAI_API_KEY',
    localNetwork: provider.localNetwork ?? isUnencryptedRemote(provider.baseUrl),
  };
}
