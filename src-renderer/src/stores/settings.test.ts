// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FAKE_APP_INFO, installFakeNagare, ok } from '../testing/fakeNagare';
import { useSettingsStore } from './settings';

/** `matchMedia('(prefers-color-scheme: dark)')` under the test's control. */
function installColorScheme(dark: boolean) {
  const listeners = new Set<(event: MediaQueryListEvent) => void>();
  const query = {
    matches: dark,
    addEventListener: (_type: string, listener: (event: MediaQueryListEvent) => void) => listeners.add(listener),
    removeEventListener: (_type: string, listener: (event: MediaQueryListEvent) => void) => listeners.delete(listener),
  };
  vi.spyOn(window, 'matchMedia').mockReturnValue(query as unknown as MediaQueryList);
  return {
    change: (value: boolean) => listeners.forEach((listener) => listener({ matches: value } as MediaQueryListEvent)),
    listeners,
  };
}

beforeEach(() => setActivePinia(createPinia()));
afterEach(() => vi.restoreAllMocks());

describe('useSettingsStore', () => {
  it('follows the system theme until a theme is chosen', async () => {
    const scheme = installColorScheme(false);
    installFakeNagare();
    const store = useSettingsStore();
    await store.load();
    expect(store.theme).toBe('light');
    scheme.change(true);
    expect(store.theme).toBe('dark');
    await store.update({ theme: 'light' });
    expect(store.theme).toBe('light');
  });

  it('takes the language from the system until one is chosen', async () => {
    installColorScheme(false);
    const fake = installFakeNagare({ app: { info: () => ok({ ...FAKE_APP_INFO, systemLocale: 'ja-JP' }) } });
    const store = useSettingsStore();
    await store.load();
    expect(store.locale).toBe('ja');
    await store.update({ language: 'en' });
    expect(store.locale).toBe('en');
    expect(fake.api.settings.update).toHaveBeenCalledWith({ language: 'en' });
  });

  it('is online only while both main and the page say so', async () => {
    installColorScheme(false);
    const fake = installFakeNagare();
    const store = useSettingsStore();
    await store.load();
    expect(store.online).toBe(true);
    fake.emit('network.changed', { online: false });
    expect(store.online).toBe(false);
    fake.emit('network.changed', { online: true });
    expect(store.online).toBe(true);
    vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false);
    window.dispatchEvent(new Event('offline'));
    expect(store.online).toBe(false);
  });

  it('reports the platform main runs on, and Linux until it knows', async () => {
    installColorScheme(false);
    installFakeNagare({ app: { info: () => ok({ ...FAKE_APP_INFO, platform: 'darwin' }) } });
    const store = useSettingsStore();
    expect(store.platform).toBe('linux');
    await store.load();
    expect(store.platform).toBe('darwin');
  });

  it('lets go of main, the window and the media query when disposed', () => {
    const scheme = installColorScheme(false);
    const fake = installFakeNagare();
    const store = useSettingsStore();
    expect([fake.listenerCount('network.changed'), scheme.listeners.size]).toEqual([1, 1]);
    store.$dispose();
    expect([fake.listenerCount('network.changed'), scheme.listeners.size]).toEqual([0, 0]);
  });
});
