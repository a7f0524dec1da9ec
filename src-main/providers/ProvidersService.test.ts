import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../e2e/fixtures/mockServer';
import { SecretsService } from '../secrets/SecretsService';
import { SessionSecretStore } from '../secrets/SessionSecretStore';
import { FakeKeychain } from '../secrets/testing/FakeKeychain';
import { JsonFile } from '../settings/JsonFile';
import { ChatCompletionClient } from '../streaming/ChatCompletionClient';
import { ProviderRegistry, storedProvidersSchema } from './ProviderRegistry';
import { ProvidersService } from './ProvidersService';

const OLD_KEY = 'sk-bound-to-the-old-host-0123456789';
const NEW_KEY = 'sk-entered-for-the-new-host-9876543210';

/** Every Authorization (or api-key) header a mock server was sent. */
function credentialsSeenBy(server: MockServer): string[] {
  return server.requests.flatMap((request) =>
    [request.headers.authorization, request.headers['api-key']].filter((value): value is string => !!value),
  );
}

describe('ProvidersService', () => {
  let dir: string;
  let oldHost: MockServer;
  let newHost: MockServer;
  let registry: ProviderRegistry;
  let keychain: FakeKeychain;
  let session: SessionSecretStore;
  let secrets: SecretsService;
  let defaultProviderId: string | null;
  let warnings: string[];
  let service: ProvidersService;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nagare-provider-service-'));
    [oldHost, newHost] = await Promise.all([
      startMockServer({ requiredKey: OLD_KEY }),
      startMockServer({ requiredKey: NEW_KEY, models: ['new-a', 'new-b'] }),
    ]);
    registry = new ProviderRegistry(
      new JsonFile(join(dir, 'providers.json'), storedProvidersSchema, () => ({ providers: [] })),
    );
    keychain = new FakeKeychain();
    session = new SessionSecretStore();
    secrets = new SecretsService({
      keychain,
      session,
      providers: () => registry.list().map(({ id, needsKey }) => ({ id, needsKey })),
    });
    defaultProviderId = null;
    warnings = [];
    service = new ProvidersService({
      registry,
      secrets,
      client: () => new ChatCompletionClient({ fetch, idleTimeoutMs: 10_000 }),
      defaultProvider: { get: () => defaultProviderId, clear: () => (defaultProviderId = null) },
      log: (_level, message) => warnings.push(message),
    });
  });

  afterEach(async () => {
    await Promise.all([oldHost.close(), newHost.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A provider on the old host whose key is stored and has been used. */
  async function providerWithKey(sessionOnly = false) {
    const provider = await service.save({
      presetId: 'openai',
      name: 'Work',
      baseUrl: oldHost.url,
      defaultModel: 'mock-gpt',
    });
    await secrets.set(provider.id, OLD_KEY, sessionOnly);
    expect(await service.verify(provider.id)).toEqual({ models: 3 });
    expect(credentialsSeenBy(oldHost)).toEqual([`Bearer ${OLD_KEY}`]);
    return provider;
  }

  it('deletes the key when the origin changes, so the old key never reaches the new host', async () => {
    const provider = await providerWithKey();
    const moved = await service.save({ ...provider, baseUrl: newHost.url });
    expect(moved.baseUrl).toBe(newHost.url);
    expect(keychain.entries.has(provider.id)).toBe(false);
    expect((await secrets.status()).providers[provider.id]).toMatchObject({ isSet: false });

    await expect(service.verify(provider.id)).rejects.toMatchObject({ code: 'no_key' });
    await expect(service.models(provider.id)).rejects.toMatchObject({ code: 'no_key' });
    expect(credentialsSeenBy(newHost)).toEqual([]);

    // Entered again for the new host, the key works there.
    await secrets.set(provider.id, NEW_KEY, false);
    expect(await service.models(provider.id)).toEqual(['new-a', 'new-b']);
    expect(credentialsSeenBy(newHost)).toEqual([`Bearer ${NEW_KEY}`]);
    expect(credentialsSeenBy(oldHost)).toEqual([`Bearer ${OLD_KEY}`]);
  });

  it('deletes a session-only key too', async () => {
    const provider = await providerWithKey(true);
    await service.save({ ...provider, baseUrl: newHost.url });
    expect(await session.get(provider.id)).toBeNull();
    await expect(service.verify(provider.id)).rejects.toMatchObject({ code: 'no_key' });
    expect(credentialsSeenBy(newHost)).toEqual([]);
  });

  it.each([
    ['another port', (url: URL) => (url.port = String(Number(url.port) + 1))],
    ['another host name for the same machine', (url: URL) => (url.hostname = 'localhost')],
    ['another scheme', (url: URL) => (url.protocol = 'https:')],
  ])('treats %s as another origin', async (_what, change) => {
    const provider = await providerWithKey();
    const url = new URL(oldHost.url);
    change(url);
    await service.save({ ...provider, baseUrl: url.href });
    expect(keychain.entries.has(provider.id)).toBe(false);
  });

  it('keeps the key when only the path, name or model changes', async () => {
    const provider = await providerWithKey();
    await service.save({ ...provider, name: 'Renamed', defaultModel: 'mock-fast', baseUrl: `${oldHost.url}/` });
    await service.save({ ...provider, baseUrl: oldHost.url.replace(/\/v1$/, '/v1beta/../v1') });
    expect(keychain.entries.get(provider.id)).toBe(OLD_KEY);
    expect(await service.verify(provider.id)).toEqual({ models: 3 });
  });

  it('changes nothing when the key cannot be deleted, and says why', async () => {
    const provider = await providerWithKey();
    keychain.unavailable = true;
    await expect(service.save({ ...provider, baseUrl: newHost.url })).rejects.toMatchObject({
      code: 'keychain_unavailable',
    });
    expect(registry.get(provider.id).baseUrl).toBe(oldHost.url);
    keychain.unavailable = false;
    expect(credentialsSeenBy(newHost)).toEqual([]);
  });

  it('refuses plain http to another machine unless it is marked as on the local network', async () => {
    const input = { presetId: 'ollama', name: 'GPU box', baseUrl: 'http://192.168.1.20:11434/v1', defaultModel: 'x' };
    await expect(service.save(input)).rejects.toMatchObject({
      code: 'invalid_request',
      message: expect.stringContaining('unencrypted'),
    });
    const marked = await service.save({ ...input, localNetwork: true });
    expect(marked.localNetwork).toBe(true);
    // This computer itself needs no mark.
    const here = await service.save({ ...input, baseUrl: 'http://[::1]:11434/v1' });
    expect(here.localNetwork).toBe(false);
    // Editing an https provider over to plain http is refused the same way.
    const tls = await service.save({
      presetId: 'custom',
      name: 'TLS',
      baseUrl: 'https://llm.example/v1',
      defaultModel: 'm',
    });
    await expect(service.save({ ...tls, baseUrl: 'http://llm.example/v1' })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    expect(registry.get(tls.id).baseUrl).toBe('https://llm.example/v1');
  });

  it('refuses credentials in the URL', async () => {
    await expect(
      service.save({ presetId: 'custom', name: 'X', baseUrl: 'https://user:pass@llm.example/v1', defaultModel: 'm' }),
    ).rejects.toMatchObject({ code: 'invalid_request', message: expect.stringContaining('user name or password') });
    expect(registry.list()).toEqual([]);
  });

  it('refuses an id it did not mint', async () => {
    await expect(
      service.save({
        id: '__proto__',
        presetId: 'openai',
        name: 'X',
        baseUrl: 'https://api.openai.com/v1',
        defaultModel: '',
      }),
    ).rejects.toMatchObject({ code: 'missing' });
    expect(registry.list()).toEqual([]);
    expect((await secrets.status()).providers).toEqual({});
  });

  it('removes a provider with its key and its place as the default', async () => {
    const provider = await providerWithKey();
    defaultProviderId = provider.id;
    await service.remove(provider.id);
    expect(registry.has(provider.id)).toBe(false);
    expect(keychain.entries.has(provider.id)).toBe(false);
    expect(defaultProviderId).toBeNull();
  });

  it('removes a provider even when the keychain keeps its key, and logs it', async () => {
    const provider = await providerWithKey();
    keychain.unavailable = true;
    await service.remove(provider.id);
    expect(registry.has(provider.id)).toBe(false);
    expect(warnings).toEqual([expect.stringContaining('could not be deleted')]);
    await expect(service.remove(provider.id)).rejects.toMatchObject({ code: 'missing' });
  });

  it('remembers the models a provider lists', async () => {
    const provider = await providerWithKey();
    const models = await service.models(provider.id);
    expect([...models].sort()).toEqual(['mock-fast', 'mock-gpt', 'mock-reasoner']);
    expect(registry.get(provider.id).models).toEqual(models);
  });
});
