/**
 * The one fake `window.nagare` for renderer tests, typed against the contract.
 *
 * Every operation of `NagareApi` is there, as a `vi.fn`, so tests can read the
 * calls and replace an answer (`mockResolvedValueOnce`). What an operation
 * answers by default is in `DEFAULT_ANSWERS`, a map over every invoke channel:
 * a channel added to the contract without a default, or a default or an
 * override of the wrong type, fails to compile. Subscriptions keep their
 * listeners so a test can `emit` what main would push.
 */
import { vi, type Mock } from 'vitest';
import {
  eventChannels,
  eventMethodPath,
  invokeChannels,
  invokeMethodPath,
  type AppInfo,
  type Domain,
  type EventChannel,
  type EventPayloads,
  type InputOf,
  type InvokeChannel,
  type NagareApi,
  type NagareErrorShape,
  type OutputOf,
  type Result,
} from '../../../src-preload/contract';
import { storedSettings } from '../../../src-preload/contract/schemas';

/** A successful answer. */
export const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve({ ok: true, value });
/** A failed answer, as main sends it. */
export const fail = (error: NagareErrorShape): Promise<Result<never>> => Promise.resolve({ ok: false, error });

type Answer<C extends InvokeChannel> = (input: InputOf<C>) => Promise<Result<OutputOf<C>>>;

/** For operations with no empty answer: a test that reaches one without faking it is told so. */
const notFaked = (channel: InvokeChannel) => () =>
  fail({ code: 'internal', message: `${channel} is not faked in this test` });

/** What the fake app reports about itself. */
export const FAKE_APP_INFO: AppInfo = {
  version: '0.1.0',
  platform: 'linux',
  systemLocale: 'en-US',
  online: true,
  recoveredDatabasePath: null,
  damagedWalPath: null,
  storageProblem: null,
};

/** An empty, working app: no providers, no history, default settings. */
const DEFAULT_ANSWERS: { [C in InvokeChannel]: Answer<C> } = {
  'app.info': () => ok(FAKE_APP_INFO),
  'app.openExternal': () => ok(undefined),

  'chat.start': notFaked('chat.start'),
  'chat.cancel': () => ok(undefined),
  'tools.decide': () => ok(undefined),
  'mcp.list': () => ok([]),
  'mcp.save': notFaked('mcp.save'),
  'mcp.remove': () => ok(undefined),
  'mcp.restart': () => ok(undefined),
  'mcp.setEnabled': () => ok(undefined),

  'attachments.add': notFaked('attachments.add'),
  'attachments.read': notFaked('attachments.read'),
  'attachments.open': () => ok(undefined),
  'attachments.save': () => ok({ savedTo: null }),

  'quickAsk.send': notFaked('quickAsk.send'),
  'quickAsk.hide': () => ok(undefined),
  'quickAsk.openInMain': () => ok(undefined),

  'providers.list': () => ok([]),
  'providers.presets': () => ok([]),
  'providers.save': notFaked('providers.save'),
  'providers.remove': () => ok(undefined),
  'providers.models': () => ok([]),

  'secrets.status': () => ok({ keychain: { available: true, problem: null }, providers: {} }),
  'secrets.set': ({ key, sessionOnly }) =>
    ok({ isSet: true, hint: key.slice(-4), storage: sessionOnly ? 'session' : 'keychain' }),
  'secrets.clear': () => ok(undefined),
  'secrets.verify': notFaked('secrets.verify'),

  'history.list': () => ok({ items: [], nextCursor: null }),
  'history.open': ({ conversationId }) => fail({ code: 'missing', message: `No conversation ${conversationId}.` }),
  'history.rename': () => ok(undefined),
  'history.pin': () => ok(undefined),
  'history.configure': notFaked('history.configure'),
  'history.delete': notFaked('history.delete'),
  'history.undoDelete': () => ok(undefined),
  'history.deleteMessage': () => ok({ undoToken: 'undo-message', undoWindowMs: 10_000 }),
  'history.selectVersion': ({ messageId }) => fail({ code: 'missing', message: `No message ${messageId}.` }),
  'history.search': () => ok([]),
  'history.export': () => ok({ savedTo: null }),
  'history.import': () => ok(null),
  'history.backup': () => ok({ savedTo: null }),
  'transfer.cancel': () => ok(undefined),

  'drafts.get': () => ok({ text: '', attachments: [] }),
  'drafts.set': () => ok(undefined),

  'settings.get': () => ok(storedSettings.parse({})),
  'settings.update': (patch) => ok({ ...storedSettings.parse({}), ...patch }),

  'inspector.log': () => ok(null),
  'inspector.saveStream': () => ok({ savedTo: null }),
  'inspector.openStream': () => ok(null),
  'inspector.storage': () => ok({ bytes: 0, messages: 0 }),
  'inspector.prune': () => ok(undefined),
};

/** Replacements for some operations, each checked against the contract's signature. */
export type FakeOverrides = { readonly [D in Domain]?: Partial<NagareApi[D]> };

type Procedure = (...args: never[]) => unknown;
/** `NagareApi` with every method a `vi.fn` of its own signature. */
export type FakeNagareApi = {
  readonly [D in Domain]: {
    readonly [M in keyof NagareApi[D]]: NagareApi[D][M] extends Procedure ? Mock<NagareApi[D][M]> : never;
  };
};

export interface FakeNagare {
  api: FakeNagareApi;
  /** Delivers a pushed event to the listeners subscribed through the fake's own `on…` methods. */
  emit<E extends EventChannel>(channel: E, payload: EventPayloads[E]): void;
  /** How many listeners are subscribed to `channel` now: 0 once every store released its subscription. */
  listenerCount(channel: EventChannel): number;
}

/** Builds a fake `window.nagare`; pass `overrides` for the operations a test cares about. */
export function createFakeNagare(overrides: FakeOverrides = {}): FakeNagare {
  const listeners = new Map<EventChannel, Set<(payload: never) => void>>(
    eventChannels.map((channel) => [channel, new Set()]),
  );
  const api: Record<string, Record<string, unknown>> = {};
  const replacement = (domain: string, method: string): Procedure | undefined =>
    (overrides as Record<string, Record<string, Procedure> | undefined>)[domain]?.[method];

  for (const channel of Object.keys(invokeChannels) as InvokeChannel[]) {
    const [domain, method] = invokeMethodPath(channel);
    (api[domain] ??= {})[method] = vi.fn(replacement(domain, method) ?? DEFAULT_ANSWERS[channel]);
  }
  for (const channel of eventChannels) {
    const [domain, method] = eventMethodPath(channel);
    const subscribe = (listener: (payload: never) => void) => {
      listeners.get(channel)!.add(listener);
      return () => void listeners.get(channel)!.delete(listener);
    };
    (api[domain] ??= {})[method] = vi.fn(replacement(domain, method) ?? subscribe);
  }

  return {
    // Built from the same channel maps as the real bridge; FakeOverrides and DEFAULT_ANSWERS carry the type checks.
    api: api as FakeNagareApi,
    emit(channel, payload) {
      for (const listener of [...listeners.get(channel)!]) (listener as (value: typeof payload) => void)(payload);
    },
    listenerCount: (channel) => listeners.get(channel)!.size,
  };
}

/** Builds a fake and puts it where `bridge()` looks; call before creating any store. */
export function installFakeNagare(overrides: FakeOverrides = {}): FakeNagare {
  const fake = createFakeNagare(overrides);
  Object.defineProperty(window, 'nagare', { value: fake.api, configurable: true });
  return fake;
}
