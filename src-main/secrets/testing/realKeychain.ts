/**
 * For tests that need the real OS keychain: a store on it, unique account names, and a check
 * that fails (never skips) with the way to fix it when no keychain can be reached. On Linux the
 * keychain is the run's private Secret Service (see privateSecretService.ts), never the person's.
 */
import { randomUUID } from 'node:crypto';
import { KeytarSecretStore } from '../KeytarSecretStore';
import { testKeychainProblem } from './privateSecretService';

/** A store on the real keychain with timeouts short enough for a test. */
export function realKeychainStore(): KeytarSecretStore {
  return new KeytarSecretStore({ probeTimeoutMs: 5_000, operationTimeoutMs: 10_000 });
}

/** An account name no other run or test uses, such as `test-openai-1f2e…`. */
export function uniqueAccount(provider: string): string {
  return `test-${provider}-${randomUUID()}`;
}

let ready: Promise<void> | undefined;

/**
 * Resolves when the keychain can store, read and delete; rejects with instructions otherwise.
 * A write is needed: a Secret Service with no unlocked default keyring still answers reads.
 */
export function requireRealKeychain(): Promise<void> {
  ready ??= (async () => {
    // The run's global set-up could not start a private Secret Service: say why at once, in one line.
    const problem = testKeychainProblem();
    if (problem) throw new Error(problem);
    const store = realKeychainStore();
    const account = uniqueAccount('readiness');
    try {
      await store.set(account, 'readiness');
      if ((await store.get(account)) !== 'readiness') throw new Error('the value read back differs');
      await store.delete(account);
    } catch (error) {
      throw new Error(
        'These tests need the real OS keychain (on Linux, the private Secret Service the test run starts), ' +
          `and it could not be used: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  })();
  return ready;
}
