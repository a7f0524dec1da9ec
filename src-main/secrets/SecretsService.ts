import type { AppErrorCode, KeychainState, SecretStatus, SecretsOverview } from '../../src-preload/contract';
import { AppError, type AppErrorOptions } from '../common/AppError';
import { KeychainUnavailableError, type SecretStore } from './SecretStore';

/** The OS keychain as the service needs it: a store that can also say whether it works. */
export interface KeychainSecretStore extends SecretStore {
  /** Whether the keychain answers now; never throws. */
  probe(): Promise<KeychainState>;
}

/** What the service needs to know about a provider. */
export interface ProviderKeyNeed {
  id: string;
  /** False for local servers that take no key: having none is then not an error. */
  needsKey: boolean;
}

/** Dependencies of {@link SecretsService}. */
export interface SecretsServiceDeps {
  keychain: KeychainSecretStore;
  session: SecretStore;
  /** The providers configured now; read on every call, so it follows edits. */
  providers: () => ProviderKeyNeed[];
}

/**
 * The write-only face of the secrets, and the only one the IPC layer gets: it can ask whether a
 * key is set, set one and clear one. Nothing here returns a key.
 */
export interface SecretsApi {
  /** Per provider whether a key is set and where, with a short hint; plus the keychain's state. */
  status(): Promise<SecretsOverview>;
  /**
   * Stores the key for a provider, replacing the old one. `sessionOnly` keeps it in main memory
   * until quit; otherwise it goes to the keychain, and a keychain that cannot be used fails with
   * {@link KeychainUnavailableError} (code `keychain_unavailable`), never a plain-text fallback.
   */
  set(providerId: string, key: string, sessionOnly: boolean): Promise<SecretStatus>;
  /** Removes the provider's key from the session and from the keychain. */
  clear(providerId: string): Promise<void>;
}

/** The main-process-only face: reads keys for outgoing requests and feeds the log redactor. */
export interface SecretsReader {
  /**
   * The key to send for a provider: the session key if there is one, else the keychain's, kept
   * in main memory after the first read. Null for a provider that needs no key and has none;
   * throws {@link SecretsError} `no_key` for one that needs a key and has none, and
   * {@link KeychainUnavailableError} when the keychain cannot be read.
   */
  getKeyForRequest(providerId: string): Promise<string | null>;
  /** Every key value this process has held, so the logger can strip them from anything it writes. */
  knownSecretValues(): string[];
}

/** A failure of the secrets service that is not the keychain's; `code` is a contract error code. */
export class SecretsError extends AppError {
  declare readonly code: Extract<AppErrorCode, 'no_key' | 'invalid_request'>;

  constructor(code: SecretsError['code'], message: string, options: AppErrorOptions = {}) {
    super(code, message, options);
    this.name = 'SecretsError';
  }
}

/**
 * The last characters of a key, to tell keys apart in the UI: four for keys of 12 characters or
 * more, two for 8 to 11, none below, so most of a short key is never shown.
 */
export function keyHint(key: string): string {
  const shown = key.length >= 12 ? 4 : key.length >= 8 ? 2 : 0;
  return shown === 0 ? '' : key.slice(-shown);
}

const NOT_SET: SecretStatus = { isSet: false, hint: '', storage: null };

/**
 * API keys for providers, kept in the OS keychain or, if the user asks, only in memory for the
 * session. The session key wins over the keychain's. Keychain keys are read when a request needs
 * them and then kept in main memory; setting or clearing a key drops that copy.
 *
 * Hand the IPC layer {@link SecretsService.rendererFace}, never the service itself.
 */
export class SecretsService implements SecretsApi, SecretsReader {
  private readonly keychain: KeychainSecretStore;
  private readonly session: SecretStore;
  private readonly providers: () => ProviderKeyNeed[];
  /** Keychain keys already read for requests, by provider id. */
  private readonly cache = new Map<string, string>();
  /** Bumped on every set/clear, so a keychain read that was running meanwhile is not cached. */
  private readonly generation = new Map<string, number>();
  private readonly seen = new Set<string>();

  constructor(deps: SecretsServiceDeps) {
    this.keychain = deps.keychain;
    this.session = deps.session;
    this.providers = deps.providers;
  }

  /**
   * An object with only the {@link SecretsApi} methods, for the IPC layer: even at run time it
   * has no way to reach a key.
   */
  rendererFace(): SecretsApi {
    return Object.freeze({
      status: () => this.status(),
      set: (providerId: string, key: string, sessionOnly: boolean) => this.set(providerId, key, sessionOnly),
      clear: (providerId: string) => this.clear(providerId),
    });
  }

  /** See {@link SecretsApi.status}. Keychain trouble shows in `keychain`; it does not throw. */
  async status(): Promise<SecretsOverview> {
    const keychain = await this.keychain.probe();
    const entries: Array<[string, SecretStatus]> = [];
    // One at a time: on macOS each first read may ask the user for access.
    for (const { id } of this.providers()) entries.push([id, await this.statusOf(id, keychain.available)]);
    // fromEntries defines own fields, so an id such as `__proto__` is a provider, not the prototype.
    return { keychain, providers: Object.fromEntries(entries) };
  }

  /** See {@link SecretsApi.set}. Surrounding whitespace of a pasted key is dropped. */
  async set(providerId: string, key: string, sessionOnly: boolean): Promise<SecretStatus> {
    const trimmed = key.trim();
    if (trimmed === '') throw new SecretsError('invalid_request', 'The key is empty.', { reason: 'empty_key' });
    this.seen.add(trimmed);
    this.changed(providerId);
    if (sessionOnly) {
      // A keychain key, if any, stays; this one shadows it until quit or clear.
      await this.session.set(providerId, trimmed);
      return { isSet: true, hint: keyHint(trimmed), storage: 'session' };
    }
    await this.keychain.set(providerId, trimmed);
    // Otherwise an older session key would go on shadowing the one just stored.
    await this.session.delete(providerId);
    return { isSet: true, hint: keyHint(trimmed), storage: 'keychain' };
  }

  /** See {@link SecretsApi.clear}. Throws {@link KeychainUnavailableError} if the keychain copy could not be removed. */
  async clear(providerId: string): Promise<void> {
    this.changed(providerId);
    await this.session.delete(providerId);
    await this.keychain.delete(providerId);
  }

  /** See {@link SecretsReader.getKeyForRequest}. */
  async getKeyForRequest(providerId: string): Promise<string | null> {
    const sessionKey = await this.session.get(providerId);
    if (sessionKey !== null) return sessionKey;
    const cached = this.cache.get(providerId);
    if (cached !== undefined) return cached;

    const generation = this.generation.get(providerId) ?? 0;
    const stored = await this.keychain.get(providerId);
    if (stored !== null) {
      this.seen.add(stored);
      if ((this.generation.get(providerId) ?? 0) === generation) this.cache.set(providerId, stored);
      return stored;
    }
    if (this.providers().find((provider) => provider.id === providerId)?.needsKey) {
      throw new SecretsError('no_key', 'No API key is set for this provider. Add one in Settings.');
    }
    return null;
  }

  /** See {@link SecretsReader.knownSecretValues}. */
  knownSecretValues(): string[] {
    return [...this.seen];
  }

  private async statusOf(providerId: string, keychainAvailable: boolean): Promise<SecretStatus> {
    const sessionKey = await this.session.get(providerId);
    if (sessionKey !== null) return { isSet: true, hint: keyHint(sessionKey), storage: 'session' };
    if (!keychainAvailable) return NOT_SET;
    let stored: string | null;
    try {
      stored = await this.keychain.get(providerId);
    } catch (error) {
      if (error instanceof KeychainUnavailableError) return NOT_SET;
      throw error;
    }
    // Changed outside Nagare (another tool, another Nagare): the copy kept for requests is stale.
    if (stored !== this.cache.get(providerId)) this.cache.delete(providerId);
    if (stored === null) return NOT_SET;
    this.seen.add(stored);
    return { isSet: true, hint: keyHint(stored), storage: 'keychain' };
  }

  private changed(providerId: string): void {
    this.cache.delete(providerId);
    this.generation.set(providerId, (this.generation.get(providerId) ?? 0) + 1);
  }
}
