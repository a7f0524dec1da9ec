// Runs against the real OS keychain: on Linux the private Secret Service the test run starts.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_KEYCHAIN_SERVICE, type KeytarSecretStore } from './KeytarSecretStore';
import { realKeychainStore, requireRealKeychain, uniqueAccount } from './testing/realKeychain';

const run = promisify(execFile);

/** What `secret-tool` (libsecret's own CLI, independent of keytar) finds for the account. */
async function secretToolLookup(account: string): Promise<string | null> {
  try {
    const { stdout } = await run('secret-tool', ['lookup', 'service', DEFAULT_KEYCHAIN_SERVICE, 'account', account], {
      timeout: 10_000,
    });
    return stdout;
  } catch (error) {
    // secret-tool exits 1 with no output when nothing matches.
    if ((error as { code?: unknown }).code === 1 && (error as { stderr?: string }).stderr === '') return null;
    throw error;
  }
}

describe('KeytarSecretStore on the real keychain', () => {
  let store: KeytarSecretStore;
  let used: string[];

  beforeEach(() => {
    store = realKeychainStore();
    used = [];
  });

  afterEach(async () => {
    for (const account of used) await store.delete(account);
  });

  function account(provider: string): string {
    const name = uniqueAccount(provider);
    used.push(name);
    return name;
  }

  it('reads nothing for an account never written', async () => {
    await requireRealKeychain();
    expect(await store.get(account('openai'))).toBeNull();
  });

  it('stores, reads, replaces and clears a key', async () => {
    await requireRealKeychain();
    const openai = account('openai');
    await store.set(openai, 'sk-first-key-0001');
    expect(await store.get(openai)).toBe('sk-first-key-0001');
    await store.set(openai, 'sk-second-key-0002');
    expect(await store.get(openai)).toBe('sk-second-key-0002');
    await store.delete(openai);
    expect(await store.get(openai)).toBeNull();
  });

  it('keeps two providers apart', async () => {
    await requireRealKeychain();
    const openai = account('openai');
    const groq = account('groq');
    await store.set(openai, 'sk-openai-aaaa');
    await store.set(groq, 'gsk-groq-bbbb');
    expect(await store.get(openai)).toBe('sk-openai-aaaa');
    expect(await store.get(groq)).toBe('gsk-groq-bbbb');
    await store.delete(openai);
    expect(await store.get(openai)).toBeNull();
    expect(await store.get(groq)).toBe('gsk-groq-bbbb');
  });

  it('deleting a key that is not there is not an error', async () => {
    await requireRealKeychain();
    await expect(store.delete(account('none'))).resolves.toBeUndefined();
  });

  it.runIf(process.platform === 'linux')(
    'files the key where secret-tool finds exactly it: service Nagare, account = provider id',
    async () => {
      await requireRealKeychain();
      const openai = account('openai');
      const key = `sk-test-${'x'.repeat(40)}-ünïcode`;
      await store.set(openai, key);
      expect(await secretToolLookup(openai)).toBe(key);
      await store.set(openai, 'sk-replaced-9999');
      expect(await secretToolLookup(openai)).toBe('sk-replaced-9999');
      await store.delete(openai);
      expect(await secretToolLookup(openai)).toBeNull();
    },
  );

  it('probes as available', async () => {
    await requireRealKeychain();
    expect(await store.probe()).toEqual({ available: true, problem: null });
  });
});
