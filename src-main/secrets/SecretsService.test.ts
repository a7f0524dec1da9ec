import { describe, expect, it } from 'vitest';
import { KeychainUnavailableError, type SecretStore } from './SecretStore';
import { keyHint, SecretsError, SecretsService, type ProviderKeyNeed } from './SecretsService';
import { SessionSecretStore } from './SessionSecretStore';
import { FakeKeychain } from './testing/FakeKeychain';

function setup(providers: ProviderKeyNeed[] = [{ id: 'openai', needsKey: true }]) {
  const keychain = new FakeKeychain();
  const session: SecretStore = new SessionSecretStore();
  const service = new SecretsService({ keychain, session, providers: () => providers });
  return { keychain, session, service };
}

const LONG_KEY = 'sk-proj-abcdefghijklmnop-WXYZ';

describe('keyHint', () => {
  it.each([
    [LONG_KEY, 'WXYZ'],
    ['abcdefgh1234', '1234'],
    ['abcdefg123', '23'],
    ['abcdefgh', 'gh'],
    ['abcdefg', ''],
    ['k', ''],
  ])('hints %j as %j', (key, hint) => {
    expect(keyHint(key)).toBe(hint);
  });

  it('never shows more than a quarter of a key shorter than 12 characters, nor more than 4', () => {
    for (let length = 1; length <= 64; length++) {
      const hint = keyHint('x'.repeat(length));
      expect(hint.length).toBeLessThanOrEqual(4);
      if (length < 12) expect(hint.length).toBeLessThanOrEqual(length / 4);
    }
  });
});

describe('SecretsService', () => {
  it('reports every provider, the keychain state, and where each key lives', async () => {
    const { keychain, service } = setup([
      { id: 'openai', needsKey: true },
      { id: 'groq', needsKey: true },
      { id: 'ollama', needsKey: false },
    ]);
    keychain.entries.set('openai', LONG_KEY);
    await service.set('groq', 'gsk-session-key-5678', true);
    expect(await service.status()).toEqual({
      keychain: { available: true, problem: null },
      providers: {
        openai: { isSet: true, hint: 'WXYZ', storage: 'keychain' },
        groq: { isSet: true, hint: '5678', storage: 'session' },
        ollama: { isSet: false, hint: '', storage: null },
      },
    });
  });

  it('reports a provider whatever its id, even one named like an object property', async () => {
    const { keychain, service } = setup([
      { id: '__proto__', needsKey: true },
      { id: 'constructor', needsKey: true },
    ]);
    keychain.entries.set('__proto__', LONG_KEY);
    const { providers } = await service.status();
    expect(Object.keys(providers)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(providers, '__proto__')?.value).toEqual({
      isSet: true,
      hint: 'WXYZ',
      storage: 'keychain',
    });
    // Survives the trip over IPC as an ordinary field.
    const overIpc = JSON.parse(JSON.stringify(providers)) as object;
    expect(Object.getOwnPropertyDescriptor(overIpc, '__proto__')?.value).toMatchObject({ isSet: true });
  });

  it('stores a key in the keychain, trimmed, and answers its status', async () => {
    const { keychain, service } = setup();
    expect(await service.set('openai', `  ${LONG_KEY}\n`, false)).toEqual({
      isSet: true,
      hint: 'WXYZ',
      storage: 'keychain',
    });
    expect(keychain.entries.get('openai')).toBe(LONG_KEY);
  });

  it('keeps a session-only key out of the keychain', async () => {
    const { keychain, session, service } = setup();
    expect(await service.set('openai', LONG_KEY, true)).toMatchObject({ storage: 'session' });
    expect(keychain.entries.size).toBe(0);
    expect(await session.get('openai')).toBe(LONG_KEY);
  });

  it('refuses an empty key', async () => {
    const { service } = setup();
    await expect(service.set('openai', '  \n', false)).rejects.toMatchObject({ code: 'invalid_request' });
  });

  it('fails with keychain_unavailable instead of falling back when the keychain is down', async () => {
    const { keychain, session, service } = setup();
    keychain.unavailable = true;
    const failure = await service.set('openai', LONG_KEY, false).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KeychainUnavailableError);
    expect(failure).toMatchObject({ code: 'keychain_unavailable' });
    expect(await session.get('openai')).toBeNull();
    const status = await service.status();
    expect(status.keychain).toEqual({
      available: false,
      problem: expect.objectContaining({ code: 'keychain_unavailable', reason: 'keychain_locked' }),
    });
    expect(status.providers['openai']).toEqual({ isSet: false, hint: '', storage: null });
    // The session-only way still works.
    await service.set('openai', LONG_KEY, true);
    expect(await service.getKeyForRequest('openai')).toBe(LONG_KEY);
  });

  it('reads the keychain once per key for requests, then from memory', async () => {
    const { keychain, service } = setup();
    keychain.entries.set('openai', LONG_KEY);
    expect(await service.getKeyForRequest('openai')).toBe(LONG_KEY);
    expect(await service.getKeyForRequest('openai')).toBe(LONG_KEY);
    expect(keychain.reads).toBe(1);
  });

  it('drops the remembered key when it is replaced', async () => {
    const { keychain, service } = setup();
    keychain.entries.set('openai', 'sk-old-key-00000001');
    expect(await service.getKeyForRequest('openai')).toBe('sk-old-key-00000001');
    await service.set('openai', 'sk-new-key-00000002', false);
    expect(await service.getKeyForRequest('openai')).toBe('sk-new-key-00000002');
  });

  it('drops the remembered key when it is cleared, from both stores', async () => {
    const { keychain, session, service } = setup([{ id: 'openai', needsKey: false }]);
    keychain.entries.set('openai', LONG_KEY);
    await service.getKeyForRequest('openai');
    await session.set('openai', 'sk-session-key-0003');
    await service.clear('openai');
    expect(keychain.entries.has('openai')).toBe(false);
    expect(await session.get('openai')).toBeNull();
    expect(await service.getKeyForRequest('openai')).toBeNull();
  });

  it('lets the session key win over the keychain key, until the keychain key is set again', async () => {
    const { keychain, service } = setup();
    keychain.entries.set('openai', 'sk-keychain-key-0001');
    await service.set('openai', 'sk-session-key-0002', true);
    expect(await service.getKeyForRequest('openai')).toBe('sk-session-key-0002');
    expect((await service.status()).providers['openai']?.storage).toBe('session');
    await service.set('openai', 'sk-keychain-key-0003', false);
    expect(await service.getKeyForRequest('openai')).toBe('sk-keychain-key-0003');
    expect((await service.status()).providers['openai']?.storage).toBe('keychain');
  });

  it('does not remember a key read while the key was being replaced', async () => {
    const { keychain, service } = setup();
    keychain.entries.set('openai', 'sk-old-key-00000001');
    let open: () => void = () => {};
    keychain.gate = new Promise<void>((resolve) => (open = resolve));
    const readStarted = new Promise<void>((resolve) => (keychain.onRead = resolve));
    const slowRead = service.getKeyForRequest('openai');
    await readStarted;
    keychain.onRead = null;
    await service.set('openai', 'sk-new-key-00000002', false);
    open();
    keychain.gate = null;
    expect(await slowRead).toBe('sk-old-key-00000001');
    expect(await service.getKeyForRequest('openai')).toBe('sk-new-key-00000002');
  });

  it('notices in status that the keychain changed behind its back', async () => {
    const { keychain, service } = setup();
    keychain.entries.set('openai', 'sk-old-key-00000001');
    await service.getKeyForRequest('openai');
    keychain.entries.set('openai', 'sk-other-tool-key-0002');
    expect((await service.status()).providers['openai']?.hint).toBe('0002');
    expect(await service.getKeyForRequest('openai')).toBe('sk-other-tool-key-0002');
  });

  it('answers no_key for a provider that needs a key and has none, null for one that does not', async () => {
    const { service } = setup([
      { id: 'openai', needsKey: true },
      { id: 'ollama', needsKey: false },
    ]);
    const failure = await service.getKeyForRequest('openai').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SecretsError);
    expect(failure).toMatchObject({ code: 'no_key' });
    expect(await service.getKeyForRequest('ollama')).toBeNull();
  });

  it('passes a keychain failure during a request on as keychain_unavailable', async () => {
    const { keychain, service } = setup();
    keychain.unavailable = true;
    await expect(service.getKeyForRequest('openai')).rejects.toMatchObject({ code: 'keychain_unavailable' });
  });

  it('lists every key it has held for the redactor, including replaced ones', async () => {
    const { keychain, service } = setup([
      { id: 'openai', needsKey: true },
      { id: 'azure', needsKey: true },
    ]);
    keychain.entries.set('azure', 'azure-key-from-keychain-1');
    await service.set('openai', 'sk-first-00000001', false);
    await service.set('openai', 'sk-second-0000002', true);
    await service.status();
    expect(new Set(service.knownSecretValues())).toEqual(
      new Set(['sk-first-00000001', 'sk-second-0000002', 'azure-key-from-keychain-1']),
    );
  });

  it('gives the IPC layer a face that cannot return a key', async () => {
    const { keychain, service } = setup();
    keychain.entries.set('openai', LONG_KEY);
    const face = service.rendererFace();
    expect(Object.keys(face).sort()).toEqual(['clear', 'set', 'status']);
    expect(Object.isFrozen(face)).toBe(true);
    expect('getKeyForRequest' in face).toBe(false);
    // Nothing it answers holds the key.
    const answers = JSON.stringify([
      await face.status(),
      await face.set('openai', LONG_KEY, true),
      await face.clear('openai'),
    ]);
    expect(answers).not.toContain(LONG_KEY);
    expect(answers).not.toContain(LONG_KEY.slice(0, -4));
  });
});
