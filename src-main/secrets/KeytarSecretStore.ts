import type { KeychainState } from '../../src-preload/contract';
import { KeychainUnavailableError, type KeychainFailure, type SecretStore } from './SecretStore';

/** The part of keytar Nagare uses; a fake with this shape stands in for it in tests. */
export interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** Options of {@link KeytarSecretStore}; every one has a default that suits the app. */
export interface KeytarSecretStoreOptions {
  /** Keychain service name the keys are filed under. Default `Nagare`. */
  service?: string;
  /** Picks the wording of the fix in error messages. Default `process.platform`. */
  platform?: NodeJS.Platform;
  /** Loads keytar. Default: a dynamic import, so a broken native module fails here, not at start-up. */
  loadKeytar?: () => Promise<KeytarApi>;
  /** How long {@link KeytarSecretStore.probe} waits. Default 3 s. */
  probeTimeoutMs?: number;
  /** How long get/set/delete wait. Default 2 min: the keychain may be showing the user an unlock prompt. */
  operationTimeoutMs?: number;
  /** Account the probe reads; nothing is ever stored there. */
  probeAccount?: string;
}

/** The service name keys are filed under in the OS keychain. */
export const DEFAULT_KEYCHAIN_SERVICE = 'Nagare';

const DEFAULT_PROBE_ACCOUNT = 'nagare.keychain-probe';

async function importKeytar(): Promise<KeytarApi> {
  const imported = (await import('keytar')) as KeytarApi & { default?: KeytarApi };
  // keytar is CommonJS: under Node's ESM loader its exports arrive on `default`.
  return imported.default ?? imported;
}

// Messages from libsecret/GDBus (Linux), Security.framework (macOS) and Credential Manager (Windows),
// matched loosely: their wording varies between versions and locales fall back to English here.
const FAILURE_PATTERNS: Array<[RegExp, KeychainFailure]> = [
  [/timeout|timed out/i, 'timeout'],
  [
    /autolaunch|could not connect|connection refused|no such file or directory|DBUS_SESSION_BUS_ADDRESS/i,
    'no_session_bus',
  ],
  [
    /was not provided by any \.service files|ServiceUnknown|name has no owner|logon session does not exist/i,
    'no_provider',
  ],
  [
    /locked|object does not exist at path|prompt|dismissed|cancel|interaction is not allowed|passphrase|not unlocked/i,
    'locked',
  ],
];

/** Sorts a raw keychain error message into a {@link KeychainFailure}. */
export function classifyKeychainError(message: string): KeychainFailure {
  for (const [pattern, failure] of FAILURE_PATTERNS) {
    if (pattern.test(message)) return failure;
  }
  return 'unknown';
}

/**
 * {@link SecretStore} over the OS keychain through keytar: macOS Keychain, Windows Credential
 * Manager, or the freedesktop Secret Service (GNOME Keyring, KWallet) through libsecret.
 * Keys are filed under the service name with the provider id as the account. Every failure of
 * the keychain arrives as a {@link KeychainUnavailableError}.
 */
export class KeytarSecretStore implements SecretStore {
  readonly service: string;
  private readonly platform: NodeJS.Platform;
  private readonly loadKeytar: () => Promise<KeytarApi>;
  private readonly probeTimeoutMs: number;
  private readonly operationTimeoutMs: number;
  private readonly probeAccount: string;
  private keytar: Promise<KeytarApi> | undefined;

  constructor(options: KeytarSecretStoreOptions = {}) {
    this.service = options.service ?? DEFAULT_KEYCHAIN_SERVICE;
    this.platform = options.platform ?? process.platform;
    this.loadKeytar = options.loadKeytar ?? importKeytar;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 3_000;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 120_000;
    this.probeAccount = options.probeAccount ?? DEFAULT_PROBE_ACCOUNT;
  }

  /** The key stored for `account`, or null. */
  get(account: string): Promise<string | null> {
    return this.call((k) => k.getPassword(this.service, account), this.operationTimeoutMs);
  }

  /** Stores `secret` for `account` in the keychain. */
  async set(account: string, secret: string): Promise<void> {
    await this.call((k) => k.setPassword(this.service, account, secret), this.operationTimeoutMs);
  }

  /** Removes the key for `account`, if there is one. */
  async delete(account: string): Promise<void> {
    await this.call((k) => k.deletePassword(this.service, account), this.operationTimeoutMs);
  }

  /**
   * Whether the keychain answers, within a short timeout so a hung D-Bus cannot hold up
   * start-up. It reads an account that is never written, which shows no unlock prompt. A
   * keychain that answers reads but refuses writes (no unlocked default keyring) still passes;
   * that shows up as a {@link KeychainUnavailableError} from `set`.
   */
  async probe(): Promise<KeychainState> {
    try {
      await this.call((k) => k.getPassword(this.service, this.probeAccount), this.probeTimeoutMs);
      return { available: true, problem: null };
    } catch (error) {
      const problem =
        error instanceof KeychainUnavailableError
          ? error
          : new KeychainUnavailableError({ reason: 'unknown', platform: this.platform, cause: error });
      return { available: false, problem: problem.toShape() };
    }
  }

  private async call<T>(operation: (keytar: KeytarApi) => Promise<T>, timeoutMs: number): Promise<T> {
    const keytar = await this.loaded();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new KeychainUnavailableError({
              reason: 'timeout',
              platform: this.platform,
              cause: new Error(`no answer from the keychain within ${timeoutMs} ms`),
            }),
          ),
        timeoutMs,
      );
      // A hung keychain call must not keep the process alive on its own.
      timer.unref();
    });
    try {
      return await Promise.race([operation(keytar), timeout]);
    } catch (error) {
      if (error instanceof KeychainUnavailableError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new KeychainUnavailableError({
        reason: classifyKeychainError(message),
        platform: this.platform,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  private loaded(): Promise<KeytarApi> {
    // Loaded once: a native module that failed to load will not load on a second try either.
    this.keytar ??= this.loadKeytar().catch((error: unknown) => {
      throw new KeychainUnavailableError({ reason: 'no_module', platform: this.platform, cause: error });
    });
    return this.keytar;
  }
}
