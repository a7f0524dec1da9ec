/**
 * The shape of `window.nagare`, derived from the channel maps: one method per
 * operation, one `on…` subscription per pushed event, grouped by domain.
 */
import type { Result } from './errors';
import {
  eventChannels,
  invokeChannels,
  type EventChannel,
  type EventPayloads,
  type InputOf,
  type InvokeChannel,
  type OutputOf,
} from './channels';

type DomainOf<C extends string> = C extends `${infer D}.${string}` ? D : never;
export type Domain = DomainOf<InvokeChannel | EventChannel>;

type Method<C extends InvokeChannel> = [InputOf<C>] extends [undefined]
  ? () => Promise<Result<OutputOf<C>>>
  : (input: InputOf<C>) => Promise<Result<OutputOf<C>>>;

/** Subscribes a listener; the returned function unsubscribes it. */
export type Subscribe<E extends EventChannel> = (listener: (payload: EventPayloads[E]) => void) => () => void;

export type NagareApi = {
  readonly [D in Domain]: {
    readonly [C in InvokeChannel as C extends `${D}.${infer A}` ? A : never]: Method<C>;
  } & {
    readonly [E in EventChannel as E extends `${D}.${infer N}` ? `on${Capitalize<N>}` : never]: Subscribe<E>;
  };
};

/** `history.changed` → `['history', 'onChanged']`. */
export function eventMethodPath(channel: EventChannel): [string, string] {
  const [domain, name] = channel.split('.') as [string, string];
  return [domain, `on${name.charAt(0).toUpperCase()}${name.slice(1)}`];
}

/** `chat.start` → `['chat', 'start']`. */
export function invokeMethodPath(channel: InvokeChannel): [string, string] {
  return channel.split('.') as [string, string];
}

/** Every `domain.method` name `window.nagare` must expose, and nothing else. */
export function expectedApiMethods(): string[] {
  const invoke = (Object.keys(invokeChannels) as InvokeChannel[]).map((c) => invokeMethodPath(c).join('.'));
  const events = eventChannels.map((c) => eventMethodPath(c).join('.'));
  return [...invoke, ...events].sort();
}
