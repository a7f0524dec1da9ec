import { describe, expect, it, vi } from 'vitest';
import { invokeChannels, type InvokeChannel } from '../../src-preload/contract';
import { AppError } from '../common/AppError';
import { createDispatcher, type CallerInfo, type Handlers } from './dispatch';

const appUrl = 'file:///app/out/renderer/index.html';
const trusted: CallerInfo = { windowId: 1, frameUrl: `${appUrl}#/`, isMainFrame: true };

function handlersWith(overrides: Partial<Handlers>): Handlers {
  const fail = () => {
    throw new Error('not under test');
  };
  const all = Object.fromEntries(Object.keys(invokeChannels).map((channel) => [channel, fail])) as unknown as Handlers;
  return { ...all, ...overrides };
}

function setup(overrides: Partial<Handlers> = {}) {
  const unexpected = vi.fn();
  const dispatch = createDispatcher({
    handlers: handlersWith(overrides),
    isAppUrl: (url) => url.split('#')[0] === appUrl,
    onUnexpectedError: unexpected,
  });
  return { dispatch, unexpected };
}

describe('dispatch', () => {
  it('answers a valid call with the handler value and the caller context', async () => {
    const rename = vi.fn();
    const { dispatch } = setup({ 'history.rename': rename });
    const result = await dispatch('history.rename', { conversationId: 'c1', title: 'New' }, trusted);
    expect(result).toEqual({ ok: true, value: null });
    expect(rename).toHaveBeenCalledWith({ conversationId: 'c1', title: 'New' }, { windowId: 1 });
  });

  it.each([
    ['a sub-frame', { ...trusted, isMainFrame: false }],
    ['another page', { ...trusted, frameUrl: 'https://example.com/' }],
    ['no window', { ...trusted, windowId: null }],
  ])('refuses %s', async (_name, caller) => {
    const settingsGet = vi.fn();
    const { dispatch } = setup({ 'settings.get': settingsGet });
    expect(await dispatch('settings.get', undefined, caller)).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(settingsGet).not.toHaveBeenCalled();
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'chat', ''])(
    'rejects the channel %j',
    async (channel) => {
      const { dispatch } = setup();
      expect(await dispatch(channel, undefined, trusted)).toMatchObject({
        ok: false,
        error: { code: 'invalid_request' },
      });
    },
  );

  it('validates input before the handler runs', async () => {
    const update = vi.fn();
    const { dispatch } = setup({ 'settings.update': update });
    for (const bad of [{ theme: 'neon' }, { theme: 'dark', extra: 1 }, 'x', null, { idleTimeoutSeconds: -1 }]) {
      const result = await dispatch('settings.update', bad, trusted);
      expect(result).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    expect(update).not.toHaveBeenCalled();
  });

  it('keeps the code of an expected error and hides an unexpected one', async () => {
    const { dispatch, unexpected } = setup({
      'history.pin': () => {
        throw new AppError('missing', 'Gone.');
      },
      'history.rename': () => {
        throw new Error('SQLITE_IOERR at /home/someone/.config/Nagare/nagare.db');
      },
    });
    expect(await dispatch('history.pin', { conversationId: 'c', pinned: true }, trusted)).toEqual({
      ok: false,
      error: { code: 'missing', message: 'Gone.' },
    });
    const hidden = await dispatch('history.rename', { conversationId: 'c', title: 't' }, trusted);
    expect(hidden).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(hidden)).not.toContain('/home/');
    expect(unexpected).toHaveBeenCalledOnce();
  });

  it('has a schema for every channel', () => {
    for (const channel of Object.keys(invokeChannels) as InvokeChannel[]) {
      expect(typeof invokeChannels[channel].input.safeParse).toBe('function');
    }
  });
});
