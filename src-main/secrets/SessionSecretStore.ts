import type { SecretStore } from './SecretStore';

/**
 * {@link SecretStore} in main-process memory only: nothing is written anywhere, and every key
 * is gone when Nagare quits. For users who will not (or cannot) use the OS keychain.
 */
export class SessionSecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>();

  /** The key kept for `account` this session, or null. */
  async get(account: string): Promise<string | null> {
    return this.secrets.get(account) ?? null;
  }

  /** Keeps `secret` for `account` until quit. */
  async set(account: string, secret: string): Promise<void> {
    this.secrets.set(account, secret);
  }

  /** Forgets the key for `account`. */
  async delete(account: string): Promise<void> {
    this.secrets.delete(account);
  }
}
