/**
 * The thin adapter over Electron's app, net, shell, dialog and theme APIs.
 * Services receive these as plain functions and values, so they run under
 * plain Node in tests.
 */
import { app, dialog, net, shell, BrowserWindow } from 'electron';
import type { FileDialogs } from '../transfer/FileTransferService';

/** What services may ask of the desktop, without knowing about Electron; the file dialogs are the transfer port. */
export interface Platform extends FileDialogs {
  readonly name: 'darwin' | 'win32' | 'linux';
  readonly appVersion: string;
  readonly isPackaged: boolean;
  readonly userDataDir: string;
  readonly logsDir: string;
  systemLocale(): string;
  /** Electron's `net.fetch`: system proxy settings and the OS certificate store apply. */
  fetch: typeof fetch;
  isOnline(): boolean;
  openExternal(url: string): Promise<void>;
  showItemInFolder(path: string): void;
  openPath(path: string): Promise<void>;
  /** Asks whether to install a downloaded update when Nagare quits; true means yes. */
  askToInstallUpdate(version: string, language: 'en' | 'ja'): Promise<boolean>;
}

const UPDATE_QUESTION = {
  en: {
    message: (version: string) => `Nagare ${version} is ready to install.`,
    detail: 'It will be installed when you quit Nagare. Your conversations are kept.',
    buttons: ['Install on Quit', 'Later'],
  },
  ja: {
    message: (version: string) => `Nagare ${version} をインストールする準備ができました。`,
    detail: 'Nagare を終了するときにインストールされます。会話はそのまま残ります。',
    buttons: ['終了時にインストール', 'あとで'],
  },
};

function platformName(): Platform['name'] {
  return process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'linux';
}

export function createElectronPlatform(): Platform {
  const focused = () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0];
  return {
    name: platformName(),
    appVersion: app.getVersion(),
    isPackaged: app.isPackaged,
    userDataDir: app.getPath('userData'),
    logsDir: app.getPath('logs'),
    systemLocale: () => app.getPreferredSystemLanguages()[0] ?? app.getLocale(),
    fetch: (input, init) => net.fetch(input as string, init),
    isOnline: () => net.isOnline(),
    openExternal: (url) => shell.openExternal(url),
    showItemInFolder: (path) => shell.showItemInFolder(path),
    openPath: async (path) => {
      await shell.openPath(path);
    },
    chooseSavePath: async ({ title, defaultName, filters }) => {
      const window = focused();
      const options = { title, defaultPath: defaultName, filters };
      const result = window ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    chooseOpenPath: async ({ title, filters }) => {
      const window = focused();
      const options = { title, filters, properties: ['openFile' as const] };
      const result = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? null : (result.filePaths[0] ?? null);
    },
    askToInstallUpdate: async (version, language) => {
      const text = UPDATE_QUESTION[language];
      const options = {
        type: 'info' as const,
        message: text.message(version),
        detail: text.detail,
        buttons: text.buttons,
        defaultId: 0,
        cancelId: 1,
      };
      const window = focused();
      const { response } = window ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
      return response === 0;
    },
  };
}
