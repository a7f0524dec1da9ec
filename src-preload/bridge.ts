/**
 * Builds `window.nagare` from the contract: one named method per invoke
 * channel and one subscription per pushed event. The page never receives
 * `ipcRenderer`, the IPC event object or anything from Node.
 */
import {
  eventChannels,
  eventMethodPath,
  invokeChannels,
  invokeMethodPath,
  type EventChannel,
  type InvokeChannel,
  type NagareApi,
} from './contract';

/** The part of `ipcRenderer` the bridge needs; passing it in keeps the bridge testable. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

export function buildApi(ipcRenderer: IpcRendererLike): NagareApi {
  const api: Record<string, Record<string, unknown>> = {};
  const domainOf = (domain: string) => (api[domain] ??= {});

  for (const channel of Object.keys(invokeChannels) as InvokeChannel[]) {
    const [domain, method] = invokeMethodPath(channel);
    domainOf(domain)[method] = (input?: unknown) => ipcRenderer.invoke(channel, input);
  }

  for (const channel of eventChannels as readonly EventChannel[]) {
    const [domain, method] = eventMethodPath(channel);
    domainOf(domain)[method] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${domain}.${method} needs a function`);
      // Drop the IPC event object: it carries `sender`, which must never reach the page.
      const forward = (_event: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(channel, forward);
      return () => {
        ipcRenderer.removeListener(channel, forward);
      };
    };
  }

  for (const domain of Object.values(api)) Object.freeze(domain);
  return Object.freeze(api) as unknown as NagareApi;
}
