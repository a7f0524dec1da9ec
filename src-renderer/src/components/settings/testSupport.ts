/**
 * A fake `window.nagare` for the settings tests: an in-memory main process
 * with providers, a keychain that can be made unavailable, settings and the
 * data operations. Every method is a `vi.fn`, so tests can both read the
 * calls and replace an answer with `mockResolvedValueOnce`.
 */
import { flushPromises, mount, type ComponentMountingOptions, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, vi } from 'vitest';
import type { Component } from 'vue';
import { createI18n } from 'vue-i18n';
import type {
  AppInfo,
  ImportReport,
  NagareApi,
  NagareErrorShape,
  ProviderPresetView,
  ProviderView,
  Result,
  SecretStatus,
  Settings,
  TransferProgress,
} from '../../../../src-preload/contract';
import type { InputOf } from '../../../../src-preload/contract/channels';
import en from '../../i18n/settings.en';

const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
const fail = (error: NagareErrorShape): Promise<Result<never>> => Promise.resolve({ ok: false, error });

/** The presets main ships, as the renderer sees them. */
export const PRESETS: ProviderPresetView[] = [
  preset('openai', 'OpenAI', 'https://api.openai.com/v1', ['gpt-4o-mini', 'gpt-4o']),
  { ...preset('azure', 'Azure OpenAI', '', []), authStyle: 'api-key', needsDeployment: true },
  preset('openrouter', 'OpenRouter', 'https://openrouter.ai/api/v1', []),
  { ...preset('ollama', 'Ollama', 'http://127.0.0.1:11434/v1', ['llama3.2']), authStyle: 'none', isLocal: true },
  preset('custom', 'Custom (OpenAI-compatible)', '', []),
];

function preset(id: string, name: string, baseUrl: string, defaultModels: string[]): ProviderPresetView {
  return { id, name, baseUrl, authStyle: 'bearer', isLocal: false, defaultModels, needsDeployment: false };
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
    ...overrides,
  };
}

export interface FakeState {
  providers: ProviderView[];
  keys: Record<string, SecretStatus>;
  keychain: { available: boolean; problem: string | null };
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
    settings: {
      theme: 'system',
      language: 'system',
      defaultProviderId: null,
      defaultParameters: {},
      quickAskShortcut: '',
      idleTimeoutSeconds: 60,
    },
    info: {
      version: '0.1.0',
      platform: 'darwin',
      systemLocale: 'en-US',
      online: true,
      recoveredDatabasePath: null,
      storageProblem: null,
    },
    storage: { bytes: 0, messages: 0 },
    ...initial,
  };
  const overview = () => ({ keychain: { ...state.keychain }, providers: { ...state.keys } });
  const unsubscribe = () => () => undefined;
  const progressListeners = new Set<(progress: TransferProgress) => void>();
  /** Main pushing `transfer.progress`. */
  const emitProgress = (progress: TransferProgress) => progressListeners.forEach((listener) => listener(progress));

  const api = {
    app: { info: vi.fn(() => ok(state.info)), openExternal: vi.fn(() => ok(undefined)) },
    network: { onChanged: vi.fn(unsubscribe) },
    providers: {
      list: vi.fn(() => ok([...state.providers])),
      presets: vi.fn(() => ok(PRESETS)),
      save: vi.fn((input: InputOf<'providers.save'>) => {
        const base = PRESETS.find((candidate) => candidate.id === input.presetId)!;
        const saved = providerView({
          id: input.id ?? `${input.presetId}-${state.providers.length + 1}`,
          presetId: input.presetId,
          name: input.name,
          baseUrl: input.baseUrl,
          defaultModel: input.defaultModel,
          models: base.defaultModels,
          authStyle: base.authStyle,
          isLocal: base.isLocal,
          needsKey: !base.isLocal && base.id !== 'custom',
          custom: base.id === 'custom',
          apiVersion: input.apiVersion,
        });
        state.providers = [...state.providers.filter((provider) => provider.id !== saved.id), saved];
        return ok(saved);
      }),
      remove: vi.fn(({ providerId }: { providerId: string }) => {
        state.providers = state.providers.filter((provider) => provider.id !== providerId);
        delete state.keys[providerId];
        return ok(undefined);
      }),
      models: vi.fn((_input: { providerId: string }) => ok(['model-a', 'model-b'])),
    },
    secrets: {
      status: vi.fn(() => ok(overview())),
      set: vi.fn(({ providerId, key, sessionOnly }: InputOf<'secrets.set'>) => {
        if (!sessionOnly && !state.keychain.available) {
          return fail({ code: 'keychain_unavailable', message: state.keychain.problem ?? 'No keychain' });
        }
        const status: SecretStatus = {
          isSet: true,
          hint: key.slice(-4),
          storage: sessionOnly ? 'session' : 'keychain',
        };
        state.keys[providerId] = status;
        return ok(status);
      }),
      clear: vi.fn(({ providerId }: { providerId: string }) => {
        delete state.keys[providerId];
        return ok(undefined);
      }),
      verify: vi.fn((_input: { providerId: string }) => ok({ models: 3 })),
    },
    settings: {
      get: vi.fn(() => ok(state.settings)),
      update: vi.fn((patch: Partial<Settings>) => {
        state.settings = { ...state.settings, ...patch };
        return ok(state.settings);
      }),
    },
    history: {
      export: vi.fn((_input: InputOf<'history.export'>) => ok<{ savedTo: string | null }>({ savedTo: null })),
      import: vi.fn(() => ok<ImportReport | null>(null)),
    },
    transfer: {
      cancel: vi.fn(() => ok(undefined)),
      onProgress: vi.fn((listener: (progress: TransferProgress) => void) => {
        progressListeners.add(listener);
        return () => void progressListeners.delete(listener);
      }),
    },
    inspector: {
      storage: vi.fn(() => ok({ ...state.storage })),
      prune: vi.fn(() => {
        state.storage = { bytes: 0, messages: 0 };
        return ok(undefined);
      }),
    },
  };
  return { api, state, fail, ok, emitProgress };
}

export type FakeBridge = ReturnType<typeof createFakeBridge>;

/** Puts the fake where `bridge()` looks, before any store is created. */
export function installBridge(fake: FakeBridge): void {
  // Only the operations the settings screens use are faked; the cast says so.
  Object.defineProperty(window, 'nagare', { value: fake.api as unknown as NagareApi, configurable: true });
}

/** Message keys a component asked for that the settings messages do not have. */
export const missingMessages = new Set<string>();

/**
 * The i18n plugin with only the settings messages, as the lead merges them.
 * A missing key is recorded (and fails `expectAllMessagesFound`), except the
 * keymap's own `shortcuts.*` labels, which live in the app's message files.
 */
export function createTestI18n() {
  return createI18n({
    legacy: false,
    locale: 'en',
    messages: { en: { settings: en } },
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
