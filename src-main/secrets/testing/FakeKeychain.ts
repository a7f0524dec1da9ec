/** For unit tests of services that use the keychain: an in-memory one, never the OS's. */
import type { KeychainState } from '../../../src-preload/contract';
import { KeychainUnavailableError } from '../SecretStore';
import type { KeychainSecretStore } from '../SecretsService';

/** A keychain in memory that counts reads and can be switched off or held. */
export class FakeKeychain implements KeychainSecretStore {
  readonly entries = new Map<string, string>();
  reads = 0;
  unavailable = false;
  /** When set, `get` waits for this before answering (with the value it found on entry). */
  gate: Promise<void> | null = null;
  onRead: (() => void) | null = null;

  private check(): void {
    if (this.unavailable) throw new KeychainUnavailableError({ reason: 'locked', platform: 'linux' });
  }
  async get(account: string) {
    this.reads++;
    const value = this.entries.get(account) ?? null;
    this.onRead?.();
    if (this.gate) await this.gate;
    this.check();
    return value;
  }
  async set(account: string, secret: string) {
    this.check();
    this.entries.set(account, secret);
  }
  async delete(account: string) {
    this.check();
    this.entries.delete(account);
  }
  async probe(): Promise<KeychainState> {
    return this.unavailable
      ? {
          available: false,
          problem: {
            code: 'keychain_unavailable',
            message: 'The system keychain is locked.',
            reason: 'keychain_locked',
          },
        }
      : { available: true, problem: null };
  }
}
