/**
 * Setting providers up: saving one (with the rules for its base URL and the binding of its key
 * to its origin), removing one with everything that hangs on it, and asking one for its models.
 * The IPC handlers for these are one call each into this service.
 */
import type { z } from 'zod';
import { baseUrlProblem, keyOrigin, type BaseUrlProblem } from '../../src-preload/contract/baseUrl';
import type { providerSaveInput } from '../../src-preload/contract/schemas';
import type { ProviderView } from '../../src-preload/contract/types';
import { AppError } from '../common/AppError';
import type { SecretsApi, SecretsReader } from '../secrets/SecretsService';
import type { ChatCompletionClient } from '../streaming/ChatCompletionClient';
import type { ProviderRegistry } from './ProviderRegistry';

/** Dependencies of {@link ProvidersService}. */
export interface ProvidersServiceDependencies {
  registry: ProviderRegistry;
  /** Deletes a provider's key (session and keychain), and reads one for a request. */
  secrets: Pick<SecretsApi, 'clear'> & Pick<SecretsReader, 'getKeyForRequest'>;
  client: () => Pick<ChatCompletionClient, 'listModels'>;
  /** The default provider, cleared when that provider is removed. */
  defaultProvider: { get(): string | null; clear(): void };
  log: (level: 'warn', message: string, fields?: Record<string, unknown>) => void;
}

const URL_PROBLEMS: Record<BaseUrlProblem, string> = {
  invalid: 'The base URL must be an http:// or https:// address.',
  credentials:
    'The base URL must not contain a user name or password. Put the API key in the key field, where it is kept in the keychain.',
  unencrypted:
    'Plain http:// to another computer sends the API key and your conversations unencrypted. Use https://, ' +
    'or mark the provider as a server on your local network.',
};

/** Saves, removes and queries providers; see the file comment. */
export class ProvidersService {
  constructor(private readonly deps: ProvidersServiceDependencies) {}

  /**
   * Adds or updates a provider. When an existing provider's origin (scheme, host, port) changes,
   * its key is deleted from the session and the keychain first, so no request can take it to the
   * new server; if it cannot be deleted, nothing is changed and the keychain's problem is answered.
   */
  async save(input: z.output<typeof providerSaveInput>): Promise<ProviderView> {
    const problem = baseUrlProblem(input.baseUrl.trim(), input.localNetwork === true);
    if (problem) throw new AppError('invalid_request', URL_PROBLEMS[problem], { reason: `url_${problem}` });
    if (input.id !== undefined && this.deps.registry.has(input.id)) {
      const before = keyOrigin(this.deps.registry.get(input.id).baseUrl);
      if (before !== keyOrigin(input.baseUrl.trim())) await this.deps.secrets.clear(input.id);
    }
    return this.deps.registry.save(input);
  }

  /**
   * Removes a provider, its key and its place as the default. A key the keychain would not let go
   * of is logged and left: ids are never used again, so no other provider can pick it up.
   */
  async remove(providerId: string): Promise<void> {
    this.deps.registry.get(providerId);
    try {
      await this.deps.secrets.clear(providerId);
    } catch (error) {
      this.deps.log('warn', 'The key of a removed provider could not be deleted from the keychain', { error });
    }
    this.deps.registry.remove(providerId);
    if (this.deps.defaultProvider.get() === providerId) this.deps.defaultProvider.clear();
  }

  /** The models the provider lists, remembered for the model pickers. */
  async models(providerId: string): Promise<string[]> {
    // The provider is read before the key: a key read while its origin changes still goes only to the old one.
    const provider = this.deps.registry.get(providerId);
    const key = await this.deps.secrets.getKeyForRequest(providerId);
    const models = await this.deps.client().listModels(provider, key);
    if (models.length > 0) this.deps.registry.rememberModels(providerId, models);
    return models;
  }

  /** Checks the key by listing models with it; answers how many were listed. */
  async verify(providerId: string): Promise<{ models: number }> {
    return { models: (await this.models(providerId)).length };
  }
}
