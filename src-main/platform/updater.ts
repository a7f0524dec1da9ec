/**
 * The thin adapter over electron-updater: checks for a new version on start and from the menu,
 * downloads it in the background, and installs it when the app quits, once the user has agreed.
 *
 * It does nothing in development builds: electron-updater is imported only in packaged ones,
 * because it reaches for electron's `app` as soon as it loads (the e2e double has no such thing).
 * Failures are logged and never shown: an update that cannot be fetched is not the user's problem.
 */
import type { LogFields, LogLevel } from '../logging/logger';

/** The part of electron-updater's `autoUpdater` this adapter uses; tests pass a fake. */
export interface AutoUpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  logger: { info(message?: unknown): void; warn(message?: unknown): void; error(message?: unknown): void } | null;
  checkForUpdates(): Promise<{ isUpdateAvailable: boolean; downloadPromise?: Promise<unknown> | null } | null>;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** What `checkNow` found. `checking`: a check was already running, and this call started none. */
export type UpdateCheckOutcome = 'disabled' | 'checking' | 'none' | 'available' | 'error';

/** What the composition root gives the updater. */
export interface UpdaterDeps {
  /** `app.isPackaged`: updates are off in development builds. */
  isPackaged: boolean;
  log: (level: LogLevel, message: string, fields?: LogFields) => void;
  /** Asks whether to install `version` when the app quits; true means yes. */
  askToInstall: (version: string) => Promise<boolean>;
  /** Loads electron-updater's `autoUpdater`; replaced in tests. */
  loadUpdater?: () => Promise<AutoUpdaterLike>;
  /** How long after start `checkOnStart` checks, so the check does not compete with start-up. */
  startDelayMs?: number;
}

/** Checks for updates; see the module comment. */
export interface Updater {
  /** Schedules one check a little after start. */
  checkOnStart(): void;
  /** Checks now (the menu's "Check for Updates…"). Never rejects. */
  checkNow(): Promise<UpdateCheckOutcome>;
}

const DEFAULT_START_DELAY_MS = 10_000;

async function loadElectronUpdater(): Promise<AutoUpdaterLike> {
  // electron-updater is CommonJS and defines `autoUpdater` with a getter, which Node's ESM
  // loader does not see as a named export: take it from the default export.
  const electronUpdater = await import('electron-updater');
  return electronUpdater.default.autoUpdater;
}

/** Creates the updater; in a development build every method is a no-op. */
export function createUpdater(deps: UpdaterDeps): Updater {
  const { log } = deps;
  let loading: Promise<AutoUpdaterLike | null> | null = null;
  let running: Promise<UpdateCheckOutcome> | null = null;
  /** The last error the updater reported, so a rejected check does not log it a second time. */
  let reported: unknown = null;
  let asking = false;

  const offerInstall = async (updater: AutoUpdaterLike, version: string): Promise<void> => {
    // One question at a time; and once the user said yes there is nothing left to ask.
    if (asking || updater.autoInstallOnAppQuit) return;
    asking = true;
    try {
      const install = await deps.askToInstall(version);
      updater.autoInstallOnAppQuit = install;
      log('info', install ? 'Update will be installed on quit' : 'Update postponed', { version });
    } catch (error) {
      log('warn', 'Could not ask about the update', { version, error });
    } finally {
      asking = false;
    }
  };

  const configure = (updater: AutoUpdaterLike): AutoUpdaterLike => {
    updater.autoDownload = true;
    // Nothing is installed until the user agrees.
    updater.autoInstallOnAppQuit = false;
    updater.logger = {
      info: (message) => log('info', `Updater: ${String(message)}`),
      warn: (message) => log('warn', `Updater: ${String(message)}`),
      // electron-updater also logs every 'error' event here as "Error: <stack>"; the listener below
      // logs those once, with the error itself.
      error: (message) => log(/^Error: /.test(String(message)) ? 'debug' : 'warn', `Updater: ${String(message)}`),
    };
    updater.on('error', (error) => {
      reported = error;
      log('warn', 'Update failed', { error });
    });
    updater.on('update-downloaded', (info) => void offerInstall(updater, info.version));
    return updater;
  };

  const load = (): Promise<AutoUpdaterLike | null> =>
    (loading ??= (deps.loadUpdater ?? loadElectronUpdater)().then(configure, (error: unknown) => {
      log('warn', 'The updater could not be loaded', { error });
      return null;
    }));

  const check = async (): Promise<UpdateCheckOutcome> => {
    const updater = await load();
    if (!updater) return 'error';
    try {
      const result = await updater.checkForUpdates();
      if (!result) return 'disabled';
      if (!result.isUpdateAvailable) return 'none';
      // A failed download is reported through the 'error' event; this only keeps the rejection handled.
      result.downloadPromise?.catch(() => undefined);
      return 'available';
    } catch (error) {
      if (error !== reported) log('warn', 'Update check failed', { error });
      return 'error';
    }
  };

  const checkNow = (): Promise<UpdateCheckOutcome> => {
    if (!deps.isPackaged) return Promise.resolve('disabled');
    if (running) return Promise.resolve('checking');
    running = check().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    checkOnStart: () => {
      if (!deps.isPackaged) return;
      const timer = setTimeout(() => void checkNow(), deps.startDelayMs ?? DEFAULT_START_DELAY_MS);
      // A pending check must not keep a quitting app alive.
      timer.unref?.();
    },
    checkNow,
  };
}
