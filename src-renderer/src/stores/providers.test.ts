// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ProviderView, SecretsOverview } from '../../../src-preload/contract';
import { fail, installFakeNagare, ok } from '../testing/fakeNagare';
import { useProvidersStore } from './providers';

function provider(id: string, needsKey: boolean): ProviderView {
  return {
    id,
    presetId: needsKey ? 'openai' : 'ollama',
    name: id,
    baseUrl: 'https://example.test/v1',
    authStyle: needsKey ? 'bearer' : 'none',
    needsKey,
    isLocal: !needsKey,
    defaultModel: 'm',
    models: [],
    custom: false,
    keyEnvVar: 'OPENAI_API_KEY',
    localNetwork: false,
  };
}

function installProviders(providers: ProviderView[]) {
  const state: { providers: ProviderView[]; keys: SecretsOverview['providers'] } = { providers, keys: {} };
  const fake = installFakeNagare({
    providers: {
      list: () => ok([...state.providers]),
      save: (input) => {
        const saved = { ...provider(input.id ?? 'new', true), name: input.name };
        state.providers = [...state.providers, saved];
        return ok(saved);
      },
      remove: ({ providerId }) => {
        state.providers = state.providers.filter((item) => item.id !== providerId);
        return ok(undefined);
      },
    },
    secrets: {
      status: () => ok({ keychain: { available: true, problem: null }, providers: { ...state.keys } }),
      set: ({ providerId, key }) => {
        state.keys[providerId] = { isSet: true, hint: key.slice(-4), storage: 'keychain' };
        return ok(state.keys[providerId]!);
      },
      clear: ({ providerId }) => {
        delete state.keys[providerId];
        return ok(undefined);
      },
    },
  });
  return { fake, state };
}

beforeEach(() => setActivePinia(createPinia()));

describe('useProvidersStore', () => {
  it('needs set-up until some provider can be used: a local one, or one with a key', async () => {
    installProviders([provider('openai', true)]);
    const store = useProvidersStore();
    expect(store.needsSetup).toBe(false);
    await store.load();
    expect(store.needsSetup).toBe(true);
    await store.setKey('openai', 'sk-test-0123456789abcd');
    expect(store.usable.map((item) => item.id)).toEqual(['openai']);
    expect(store.secrets.providers.openai).toEqual({ isSet: true, hint: 'abcd', storage: 'keychain' });
    await store.clearKey('openai');
    expect(store.needsSetup).toBe(true);
  });

  it('counts a provider that needs no key as usable', async () => {
    installProviders([provider('ollama', false)]);
    const store = useProvidersStore();
    await store.load();
    expect(store.needsSetup).toBe(false);
    expect(store.byId('ollama')?.isLocal).toBe(true);
    expect(store.byId(null)).toBeUndefined();
  });

  it('reports a key check as data, and forgets it when the key changes', async () => {
    const { fake } = installProviders([provider('openai', true)]);
    fake.api.secrets.verify.mockReturnValueOnce(ok({ models: 12 }));
    fake.api.secrets.verify.mockReturnValueOnce(fail({ code: 'auth', message: 'The key was refused.', status: 401 }));
    const store = useProvidersStore();
    expect(await store.verify('openai')).toEqual({ state: 'ok', models: 12 });
    const failed = await store.verify('openai');
    expect(failed).toEqual({ state: 'failed', error: { code: 'auth', message: 'The key was refused.', status: 401 } });
    expect(store.verification.openai).toEqual(failed);
    await store.setKey('openai', 'sk-other');
    expect(store.verification.openai).toEqual({ state: 'idle' });
  });

  it('lists a saved provider and drops a removed one', async () => {
    installProviders([provider('openai', true)]);
    const store = useProvidersStore();
    await store.load();
    const saved = await store.save({
      presetId: 'openai',
      name: 'Work',
      baseUrl: 'https://example.test/v1',
      defaultModel: 'm',
    });
    expect(saved.name).toBe('Work');
    expect(store.providers.map((item) => item.id)).toEqual(['openai', 'new']);
    await store.remove('openai');
    expect(store.providers.map((item) => item.id)).toEqual(['new']);
  });

  it('passes a failure of main on to the caller', async () => {
    const { fake } = installProviders([]);
    fake.api.providers.models.mockReturnValueOnce(fail({ code: 'network', message: 'Could not reach the server.' }));
    await expect(useProvidersStore().models('openai')).rejects.toMatchObject({ code: 'network' });
  });
});
