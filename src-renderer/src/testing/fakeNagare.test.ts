// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { expectedApiMethods } from '../../../src-preload/contract';
import { createFakeNagare, fail, installFakeNagare, ok } from './fakeNagare';

describe('createFakeNagare', () => {
  it('exposes exactly the methods of the contract, as the real bridge does', () => {
    const { api } = createFakeNagare();
    const names = Object.entries(api).flatMap(([domain, methods]) =>
      Object.keys(methods).map((method) => `${domain}.${method}`),
    );
    expect(names.sort()).toEqual(expectedApiMethods());
  });

  it('answers as an empty app by default, and says which operation a test forgot to fake', async () => {
    const { api } = createFakeNagare();
    expect(await api.history.list({})).toEqual({ ok: true, value: { items: [], nextCursor: null } });
    expect(await api.settings.get()).toMatchObject({ ok: true, value: { theme: 'system', language: 'system' } });
    expect(await api.chat.start({ content: 'hi' })).toEqual({
      ok: false,
      error: { code: 'internal', message: 'chat.start is not faked in this test' },
    });
  });

  it('uses an override, records calls, and lets a test replace one answer', async () => {
    const { api } = createFakeNagare({
      drafts: { get: ({ key }) => ok({ text: `draft of ${key}`, attachments: [] }) },
    });
    expect(await api.drafts.get({ key: 'c1' })).toEqual({ ok: true, value: { text: 'draft of c1', attachments: [] } });
    api.drafts.get.mockReturnValueOnce(fail({ code: 'storage', message: 'disk full' }));
    expect(await api.drafts.get({ key: 'c1' })).toMatchObject({ ok: false });
    expect(api.drafts.get.mock.calls).toEqual([[{ key: 'c1' }], [{ key: 'c1' }]]);
  });

  it('delivers emitted events to subscribers until they unsubscribe', () => {
    const fake = installFakeNagare();
    const seen: boolean[] = [];
    const stop = window.nagare.network.onChanged(({ online }) => seen.push(online));
    fake.emit('network.changed', { online: false });
    expect(fake.listenerCount('network.changed')).toBe(1);
    stop();
    fake.emit('network.changed', { online: true });
    expect(seen).toEqual([false]);
    expect(fake.listenerCount('network.changed')).toBe(0);
  });

  it('refuses, at compile time, overrides that do not match the contract', () => {
    // Each line below is a type error; `npm run typecheck` fails if one stops being one.
    createFakeNagare({
      // @ts-expect-error an answer of the wrong type
      chat: { start: () => ok(42) },
    });
    createFakeNagare({
      // @ts-expect-error an operation the contract does not have
      history: { truncate: () => ok(undefined) },
    });
    createFakeNagare({
      // @ts-expect-error a domain the contract does not have
      files: {},
    });
    createFakeNagare({
      // @ts-expect-error a listener of the wrong payload
      chat: { onEvent: (listener: (payload: string) => void) => (listener(''), () => undefined) },
    });
    expect(true).toBe(true);
  });
});
