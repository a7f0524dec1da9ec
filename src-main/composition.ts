/** The composition root: the one place where services are created and wired together. */
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserWindow } from 'electron';
import { nativeTheme, session } from 'electron';
import { createDispatcher } from './ipc/dispatch';
import { electronMessenger, registerIpcHandlers } from './ipc/electronIpc';
import { EventSink } from './ipc/EventSink';
import { createHandlers } from './ipc/handlers';
import { createElectronPlatform } from './platform/electronPlatform';
import { SettingsService } from './settings/SettingsService';
import { createAppWindow } from './windows/mainWindow';
import { hardenSession, isExternalWebUrl } from './windows/security';

export interface RunningApp {
  focusMainWindow(): void;
  openMainWindow(): void;
  shutdown(): void;
}

/** Built bundles sit side by side: out/main, out/preload, out/renderer. */
const bundleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const rendererUrl = pathToFileURL(join(bundleDir, 'renderer', 'index.html')).href;

function isAppUrl(url: string): boolean {
  return url.split('#')[0]?.split('?')[0] === rendererUrl;
}

export async function startNagare(): Promise<RunningApp> {
  const platform = createElectronPlatform();
  const settings = SettingsService.at(join(platform.userDataDir, 'settings.json'));
  const events = new EventSink(electronMessenger);
  hardenSession(session.defaultSession);

  const dispatch = createDispatcher({
    handlers: createHandlers({ platform, settings }),
    isAppUrl,
    onUnexpectedError: (channel, error) => console.error(`IPC ${channel} failed`, error),
  });
  const unregister = registerIpcHandlers(dispatch);

  let mainWindow: BrowserWindow | null = null;
  const openMainWindow = () => {
    mainWindow = createAppWindow({
      bundleDir,
      bounds: { width: 1100, height: 760 },
      title: 'Nagare',
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#16171a' : '#ffffff',
      openExternal: (url) => void platform.openExternal(url),
      onRefused: (kind, url) =>
        console.warn(`Refused ${kind} to ${isExternalWebUrl(url) ? new URL(url).origin : 'a non-web URL'}`),
    });
    mainWindow.on('closed', () => (mainWindow = null));
  };
  openMainWindow();
  void events;

  return {
    focusMainWindow: () => {
      if (!mainWindow) return openMainWindow();
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    },
    openMainWindow,
    shutdown: () => unregister(),
  };
}
