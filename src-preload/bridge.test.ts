import { describe, expect, it } from 'vitest';
import { buildApi, type IpcRendererLike } from './bridge';
import { expectedApiMethods } from './contract';

function fakeIpc() {
  const invoked: Array<[string, unknown]> = [];
  const listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();
  const ipc: IpcRendererLike = {
    invoke: async (channel, input) => {
      invoked.push([channel, input]);
      return { ok: true, value: null };
    },
    on: (channel, listener) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(listener)),
    removeListener: (channel, listener) => listeners.get(channel)?.delete(listener),
  };
  return { ipc, invoked, listeners };
}

describe('buildApi', () => {
  it('exposes exactly the contract methods', () => {
    const api = buildApi(fakeIpc().ipc) as unknown as Record<string, Record<string, unknown>>;
    const names = Object.entries(api).flatMap(([domain, methods]) => Object.keys(methods).map((m) => `${domain}.${m}`));
    expect(names.sort()).toEqual(expectedApiMethods());
  });

  it('invokes the channel named after the method', async () => {
    const { ipc, invoked } = fakeIpc();
    await buildApi(ipc).chat.cancel({ streamId: 's1' });
    expect(invoked).toEqual([['chat.cancel', { streamId: 's1' }]]);
  });

  it('hands listeners the payload only and unsubscribes', () => {
    const { ipc, listeners } = fakeIpc();
    const received: unknown[] = [];
    const unsubscribe = buildApi(ipc).network.onChanged((payload) => received.push(payload));
    const [forward] = listeners.get('network.changed') ?? [];
    forward?.({ sender: 'secret' }, { online: false });
    expect(received).toEqual([{ online: false }]);
    unsubscribe();
    expect(listeners.get('network.changed')?.size).toBe(0);
  });

  it('is frozen', () => {
    const api = buildApi(fakeIpc().ipc);
    expect(Object.isFrozen(api)).toBe(true);
    expect(Object.isFrozen(api.chat)).toBe(true);
  });
});
