/** Creates Nagare's windows with the security baseline; the only place a BrowserWindow is built. */
import { join } from 'node:path';
import { BrowserWindow } from 'electron';
import { guardWindow, type WindowGuardOptions } from './security';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface CreateWindowOptions extends WindowGuardOptions {
  bundleDir: string;
  bounds: WindowBounds;
  /** The renderer route, for example `quick-ask`; empty for the main window. */
  route?: string;
  title: string;
  backgroundColor: string;
  minWidth?: number;
  minHeight?: number;
  alwaysOnTop?: boolean;
  frameless?: boolean;
}

export function createAppWindow(options: CreateWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    ...options.bounds,
    title: options.title,
    minWidth: options.minWidth ?? 640,
    minHeight: options.minHeight ?? 420,
    show: false,
    backgroundColor: options.backgroundColor,
    alwaysOnTop: options.alwaysOnTop ?? false,
    frame: !options.frameless,
    webPreferences: {
      preload: join(options.bundleDir, 'preload', 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: true,
    },
  });
  guardWindow(window, options);
  window.once('ready-to-show', () => window.show());
  void window.loadFile(join(options.bundleDir, 'renderer', 'index.html'), { hash: options.route ?? '' });
  return window;
}

/** True for the app's own renderer page, whichever host serves it. */
export function isAppUrl(url: string, loadedUrl: string): boolean {
  try {
    const candidate = new URL(url);
    const app = new URL(loadedUrl);
    return candidate.origin === app.origin && candidate.pathname === app.pathname;
  } catch {
    return false;
  }
}
