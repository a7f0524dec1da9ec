/** Providers, their presets and the write-only face of their keys. */
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type {
  NagareErrorShape,
  ProviderPresetView,
  ProviderView,
  SecretsOverview,
} from '../../../src-preload/contract';
import type { InputOf } from '../../../src-preload/contract/channels';
import { bridge, errorShapeOf, unwrap } from '../ipc/nagare';

export type VerifyState =
  { state: 'idle' | 'checking' } | { state: 'ok'; models: number } | { state: 'failed'; error: NagareErrorShape };

export const useProvidersStore = defineStore('providers', () => {
  const providers = ref<ProviderView[]>([]);
  const presets = ref<ProviderPresetView[]>([]);
  const secrets = ref<SecretsOverview>({ keychain: { available: true, problem: null }, providers: {} });
  const verification = ref<Record<string, VerifyState>>({});
  const loaded = ref(false);

  /** A provider is usable when it needs no key or has one. */
  const usable = computed(() =>
    providers.value.filter((provider) => !provider.needsKey || secrets.value.providers[provider.id]?.isSet),
  );
  const needsSetup = computed(() => loaded.value && usable.value.length === 0);

  async function load(): Promise<void> {
    const [list, presetList, overview] = await Promise.all([
      unwrap(bridge().providers.list()),
      unwrap(bridge().providers.presets()),
      unwrap(bridge().secrets.status()),
    ]);
    providers.value = list;
    presets.value = presetList;
    secrets.value = overview;
    loaded.value = true;
  }

  async function refreshSecrets(): Promise<void> {
    secrets.value = await unwrap(bridge().secrets.status());
  }

  /** Saves a provider; a changed server deletes its key in main, so the keys' status is read again. */
  async function save(input: InputOf<'providers.save'>): Promise<ProviderView> {
    const saved = await unwrap(bridge().providers.save(input));
    providers.value = await unwrap(bridge().providers.list());
    await refreshSecrets();
    return saved;
  }

  async function remove(providerId: string): Promise<void> {
    await unwrap(bridge().providers.remove({ providerId }));
    await load();
  }

  async function setKey(providerId: string, key: string, sessionOnly = false): Promise<void> {
    await unwrap(bridge().secrets.set({ providerId, key, sessionOnly }));
    verification.value = { ...verification.value, [providerId]: { state: 'idle' } };
    await refreshSecrets();
  }

  async function clearKey(providerId: string): Promise<void> {
    await unwrap(bridge().secrets.clear({ providerId }));
    verification.value = { ...verification.value, [providerId]: { state: 'idle' } };
    await refreshSecrets();
  }

  async function verify(providerId: string): Promise<VerifyState> {
    verification.value = { ...verification.value, [providerId]: { state: 'checking' } };
    let result: VerifyState;
    try {
      const { models } = await unwrap(bridge().secrets.verify({ providerId }));
      result = { state: 'ok', models };
    } catch (error) {
      result = { state: 'failed', error: errorShapeOf(error) };
    }
    verification.value = { ...verification.value, [providerId]: result };
    return result;
  }

  async function models(providerId: string): Promise<string[]> {
    return unwrap(bridge().providers.models({ providerId }));
  }

  function byId(id: string | null | undefined): ProviderView | undefined {
    return providers.value.find((provider) => provider.id === id);
  }

  return {
    providers,
    presets,
    secrets,
    verification,
    loaded,
    usable,
    needsSetup,
    load,
    refreshSecrets,
    save,
    remove,
    setKey,
    clearKey,
    verify,
    models,
    byId,
  };
});
