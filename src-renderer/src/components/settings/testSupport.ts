/**
 * A fake `window.nagare` for the settings tests: an in-memory main process
 * with providers, a keychain that can be made unavailable, settings and the
 * data operations, over the one typed `createFakeNagare`. Every method is a
 * `vi.fn`, so tests can both read the calls and replace an answer with
 * `mockResolvedValueOnce`.
 */
import { flushPromises, mount, type ComponentMountingOptions, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach } from 'vitest';
import type { Component } from 'vue';
import { createI18n } from 'vue-i18n';
import type {
  AppInfo,
  KeychainState,
  ProviderPresetView,
  ProviderView,
  SecretStatus,
  Settings,
  TransferProgress,
} from '../../../../src-preload/contract';
import { isOnThisComputer } from '../../../../src-preload/contract/baseUrl';
import { storedSettings } from '../../../../src-preload/contract/schemas';
import appEn from '../../i18n/en';
import en from '../../i18n/settings.en.json';
import { createFakeNagare, fail, ok } from '../../testing/fakeNagare';

/** The presets main ships, as the renderer sees them. */
export const PRESETS: ProviderPresetView[] = [
  preset('openai', 'OpenAI', 'https://api.openai.com/v1', ['gpt-4o-mini', 'gpt-4o']),
  { ...preset('azure', 'Azure OpenAI', '', []), authStyle: 'api-key', needsDeployment: true },
  preset('openrouter', 'OpenRouter', 'https://openrouter.ai/api/v1', []),
  { ...preset('ollama', 'Ollama', 'http://127.0.0.1:11434/v1', ['llama3.2']), authStyle: 'none' },
  preset('custom', 'Custom (OpenAI-compatible)', '', []),
];

function preset(id: string, name: string, baseUrl: string, defaultModels: string[]): ProviderPresetView {
  return { id, name, baseUrl, authStyle: 'bearer', defaultModels, needsDeployment: false };
}

/** A saved provider as main would answer it. */
export function providerView(overrides: Partial<ProviderView> & { id: string }): ProviderView {
  return {
    presetId: 'openai',
    name: 'OpenAI',
    baseUrl: 'https://api.openai.com/v1',
    authStyle: 'bearer',
    needsKey: true,
    isLocal: false,
    defaultModel: 'gpt-4o-mini',
    models: ['gpt-4o-mini', 'gpt-4o'],
    custom: false,
    keyEnvVar: 'OPENAI_API_KEY',
    localNetwork: false,
    ...overrides,
  };
}

export interface FakeState {
  providers: ProviderView[];
  keys: Record<string, SecretStatus>;
  keychain: KeychainState;
  settings: Settings;
  info: AppInfo;
  storage: { bytes: number; messages: number };
}

/** Builds the fake bridge and its state; `state` can be changed between calls. */
export function createFakeBridge(initial: Partial<FakeState> = {}) {
  const state: FakeState = {
    providers: [],
    keys: {},
    keychain: { available: true, problem: null },
    settings: storedSettings.parse({}),
    info: {
      version: '0.1.0',
      platform: 'darwin',
      systemLocale: 'en-US',
      online: true,
      recoveredDatabasePath: null,
      damagedWalPath: null,
      storageProblem: null,
    },
    storage: { bytes: 0, messages: 0 },
    ...initial,
  };
  const overview = () => ({ keychain: { ...state.keychain }, providers: { ...state.keys } });
  const nagare = createFakeNagare({
    app: { info: () => ok(state.info) },
    providers: {
      list: () => ok([...state.providers]),
      presets: () => ok(PRESETS),
      save: (input) => {
        const base = PRESETS.find((candidate) => candidate.id === input.presetId)!;
        const saved = providerView({
          id: input.id ?? `${input.presetId}-${state.providers.length + 1}`,
          presetId: input.presetId,
          name: input.name,
          baseUrl: input.baseUrl,
          defaultModel: input.defaultModel,
          models: base.defaultModels,
          authStyle: base.authStyle,
          isLocal: isOnThisComputer(input.baseUrl),
          needsKey: base.authStyle !== 'none' && base.id !== 'custom',
          custom: base.id === 'custom',
          apiVersion: input.apiVersion,
          localNetwork: input.localNetwork ?? false,
        });
        state.providers = [...state.providers.filter((provider) => provider.id !== saved.id), saved];
        return ok(saved);
      },
      remove: ({ providerId }) => {
        state.providers = state.providers.filter((provider) => provider.id !== providerId);
        delete state.keys[providerId];
        return ok(undefined);
      },
      models: () => ok(['model-a', 'model-b']),
    },
    secrets: {
      status: () => ok(overview()),
      set: ({ providerId, key, sessionOnly }) => {
        if (!sessionOnly && !state.keychain.available) {
          return fail(state.keychain.problem ?? { code: 'keychain_unavailable', message: 'No keychain' });
        }
        const status: SecretStatus = {
          isSet: true,
          hint: key.slice(-4),
          storage: sessionOnly ? 'session' : 'keychain',
        };
        state.keys[providerId] = status;
        return ok(status);
      },
      clear: ({ providerId }) => {
        delete state.keys[providerId];
        return ok(undefined);
      },
      verify: () => ok({ models: 3 }),
    },
    settings: {
      get: () => ok(state.settings),
      update: (patch) => {
        state.settings = { ...state.settings, ...patch };
        return ok(state.settings);
      },
    },
    inspector: {
      storage: () => ok({ ...state.storage }),
      prune: () => {
        state.storage = { bytes: 0, messages: 0 };
        return ok(undefined);
      },
    },
  });
  /** Main pushing `transfer.progress`. */
  const emitProgress = (progress: TransferProgress) => nagare.emit('transfer.progress', progress);
  return { api: nagare.api, state, fail, ok, emitProgress };
}

export type FakeBridge = ReturnType<typeof createFakeBridge>;

/** Puts the fake where `bridge()` looks, before any store is created. */
export function installBridge(fake: FakeBridge): void {
  Object.defineProperty(window, 'nagare', { value: fake.api, configurable: true });
}

/** Message keys a component asked for that the settings messages do not have. */
export const missingMessages = new Set<string>();

/**
 * The i18n plugin with only the settings messages and the shared sections they use (common words, errors).
 * A missing key is recorded (and fails `expectAllMessagesFound`), except the
 * keymap's own `shortcuts.*` labels, which live in the app's message files.
 */
export function createTestI18n() {
  return createI18n({
    legacy: false,
    locale: 'en',
    // Cancel, Save and errors are said by the shared catalogue sections, as the app does.
    messages: { en: { settings: en, common: appEn.common, errors: appEn.errors } },
    missing: (_locale, key) => {
      if (!key.startsWith('shortcuts.')) missingMessages.add(key);
      return key;
    },
  });
}

/** Throws when a component used a settings message that does not exist; call after each test. */
export function expectAllMessagesFound(): void {
  const missing = [...missingMessages];
  missingMessages.clear();
  if (missing.length > 0) throw new Error(`missing messages: ${missing.join(', ')}`);
}

/** A fresh active Pinia. */
export function freshPinia(): Pinia {
  const pinia = createPinia();
  setActivePinia(pinia);
  return pinia;
}

/** Mounts a component with Pinia and i18n, attached to the document so focus works. */
export function mountWith<C extends Component>(
  component: C,
  pinia: Pinia,
  options: ComponentMountingOptions<C> = {} as ComponentMountingOptions<C>,
) {
  const host = document.createElement('div');
  document.body.appendChild(host);
  return mount(component, {
    ...options,
    attachTo: host,
    global: { plugins: [pinia, createTestI18n()] },
  } as ComponentMountingOptions<C>);
}

/** Finds an element by its `data-testid`. */
export const byTestId = (view: VueWrapper, id: string) => view.find(`[data-testid="${id}"]`);

/**
 * The set-up every settings screen test shares: before each test a fresh fake bridge, built
 * from `initial`; after it the component unmounted, the document emptied, and every message
 * the component asked for checked to exist.
 */
export function useSettingsTestHarness(initial: () => Partial<FakeState> = () => ({})) {
  let current: FakeBridge | undefined;
  let wrapper: VueWrapper | undefined;
  beforeEach(() => {
    current = createFakeBridge(initial());
    installBridge(current);
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
    document.body.innerHTML = '';
    expectAllMessagesFound();
  });
  return {
    /** This test's fake main process. */
    get fake(): FakeBridge {
      if (!current) throw new Error('The fake bridge exists only while a test runs.');
      return current;
    },
    /** Mounts `component` in a fresh Pinia, after `load` has filled the stores it reads. */
    async mount(component: Component, load: () => Promise<unknown> = async () => {}): Promise<VueWrapper> {
      const pinia = freshPinia();
      await load();
      wrapper = mountWith(component, pinia);
      await flushPromises();
      return wrapper;
    },
  };
}
