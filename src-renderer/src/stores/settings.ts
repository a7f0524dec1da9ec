/** Preferences, app facts from main, the theme and language in effect, and whether we are online. */
import { defineStore } from 'pinia';
import { computed, onScopeDispose, ref } from 'vue';
import type { AppInfo, Settings } from '../../../src-preload/contract';
import { bridge, unwrap } from '../ipc/nagare';
import { localeFor, type Locale } from '../i18n';

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null);
  const info = ref<AppInfo | null>(null);
  const mainOnline = ref(true);
  const browserOnline = ref(navigator.onLine);
  const systemDark = ref(darkQuery().matches);

  const online = computed(() => mainOnline.value && browserOnline.value);
  const platform = computed(() => info.value?.platform ?? 'linux');
  const locale = computed<Locale>(() =>
    localeFor(settings.value?.language ?? 'system', info.value?.systemLocale ?? navigator.language),
  );
  const theme = computed<'light' | 'dark'>(() => {
    const preference = settings.value?.theme ?? 'system';
    if (preference === 'system') return systemDark.value ? 'dark' : 'light';
    return preference;
  });

  async function load(): Promise<void> {
    const [loadedSettings, loadedInfo] = await Promise.all([
      unwrap(bridge().settings.get()),
      unwrap(bridge().app.info()),
    ]);
    settings.value = loadedSettings;
    info.value = loadedInfo;
    mainOnline.value = loadedInfo.online;
  }

  async function update(patch: Partial<Settings>): Promise<void> {
    settings.value = await unwrap(bridge().settings.update(patch));
  }

  // Both signals count: main knows about the OS network, the page about its own connectivity.
  const stopNetwork = bridge().network.onChanged(({ online: value }) => (mainOnline.value = value));
  const onBrowserOnline = () => (browserOnline.value = navigator.onLine);
  window.addEventListener('online', onBrowserOnline);
  window.addEventListener('offline', onBrowserOnline);
  const media = darkQuery();
  const onSchemeChange = (event: MediaQueryListEvent) => (systemDark.value = event.matches);
  media.addEventListener('change', onSchemeChange);

  onScopeDispose(() => {
    stopNetwork();
    window.removeEventListener('online', onBrowserOnline);
    window.removeEventListener('offline', onBrowserOnline);
    media.removeEventListener('change', onSchemeChange);
  });

  return { settings, info, online, platform, locale, theme, load, update };
});
