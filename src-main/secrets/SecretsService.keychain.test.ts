// SecretsService over the real OS keychain: on Linux the private Secret Service the test run starts.
import { afterEach, describe, expect, it } from 'vitest';
import { SecretsService } from './SecretsService';
import { SessionSecretStore } from './SessionSecretStore';
import { realKeychainStore, requireRealKeychain, uniqueAccount } from './testing/realKeychain';

describe('SecretsService on the real keychain', () => {
  const keychain = realKeychainStore();
  const used: string[] = [];

  afterEach(async () => {
    for (const account of used.splice(0)) await keychain.delete(account);
  });

  function serviceFor(...providers: string[]): SecretsService {
    used.push(...providers);
    return new SecretsService({
      keychain,
      session: new SessionSecretStore(),
      providers: () => providers.map((id) => ({ id, needsKey: true })),
    });
  }

  it('stores in the keychain, reads it for requests from memory afterwards, and drops that copy on change', async () => {
    await requireRealKeychain();
    const openai = uniqueAccount('openai');
    const service = serviceFor(openai);
    await service.set(openai, 'sk-real-first-key-0001', false);
    expect(await keychain.get(openai)).toBe('sk-real-first-key-0001');
    expect(await service.getKeyForRequest(openai)).toBe('sk-real-first-key-0001');

    // Changed behind the service's back: a request still gets the copy it read when the stream started…
    await keychain.set(openai, 'sk-changed-elsewhere-0002');
    expect(await service.getKeyForRequest(openai)).toBe('sk-real-first-key-0001');

    // …until the key is changed through the service.
    await service.set(openai, 'sk-real-second-key-0003', false);
    expect(await service.getKeyForRequest(openai)).toBe('sk-real-second-key-0003');
    expect(await keychain.get(openai)).toBe('sk-real-second-key-0003');
  });

  it('clears the keychain copy and the remembered one', async () => {
    await requireRealKeychain();
    const openai = uniqueAccount('openai');
    const service = serviceFor(openai);
    await service.set(openai, 'sk-real-key-to-clear-0004', false);
    await service.getKeyForRequest(openai);
    await service.clear(openai);
    expect(await keychain.get(openai)).toBeNull();
    await expect(service.getKeyForRequest(openai)).rejects.toMatchObject({ code: 'no_key' });
  });

  it('reports two providers side by side with hints and storage', async () => {
    await requireRealKeychain();
    const openai = uniqueAccount('openai');
    const groq = uniqueAccount('groq');
    const service = serviceFor(openai, groq);
    await service.set(openai, 'sk-real-openai-key-AAAA', false);
    await service.set(groq, 'short-key', true);
    expect(await service.status()).toEqual({
      keychain: { available: true, problem: null },
      providers: {
        [openai]: { isSet: true, hint: 'AAAA', storage: 'keychain' },
        [groq]: { isSet: true, hint: 'ey', storage: 'session' },
      },
    });
    // The session-only key never reached the keychain.
    expect(await keychain.get(groq)).toBeNull();
  });
});
