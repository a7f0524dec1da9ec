/** The composition root: the one place where services are created and wired together. */
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nativeTheme, screen, session, type BrowserWindow } from 'electron';
import type { AppInfo, MenuCommand } from '../src-preload/contract/types';
import { AppError } from './common/AppError';
import { EventSink } from './common/EventSink';
import { backUpHistory } from './history/backup';
import {
  closeHistoryDatabase,
  openHistoryDatabase,
  type HistoryDatabase,
  type OpenedHistoryDatabase,
} from './history/database';
import { createHistoryStores, type HistoryStores } from './history/HistoryStores';
import { IdleCheckpointer } from './history/IdleCheckpointer';
import { createDispatcher } from './ipc/dispatch';
import { electronMessenger, registerIpcHandlers } from './ipc/electronIpc';
import { createHandlers } from './ipc/handlers';
import { Logger } from './logging/logger';
import { createElectronPlatform } from './platform/electronPlatform';
import { createUpdater } from './platform/updater';
import { ProviderRegistry, storedProvidersSchema } from './providers/ProviderRegistry';
import { ProvidersService } from './providers/ProvidersService';
import { KeytarSecretStore } from './secrets/KeytarSecretStore';
import { SecretsService } from './secrets/SecretsService';
import { SessionSecretStore } from './secrets/SessionSecretStore';
import { JsonFile } from './settings/JsonFile';
import { SettingsService } from './settings/SettingsService';
import { updateSettings } from './settings/updateSettings';
import { ChatCompletionClient } from './streaming/ChatCompletionClient';
import { ChatService } from './streaming/ChatService';
import { installApplicationMenu } from './menu/electronMenu';
import { FileTransferService } from './transfer/FileTransferService';
import { hasUnfinishedImports } from './transfer/stagedImport';
import { TransferRunner } from './transfer/TransferRunner';
import { gatedDatabase, WriteGate } from './transfer/writeGate';
import { createAppWindow } from './windows/mainWindow';
import { QuickAskWindow } from './windows/quickAskWindow';
import { placeWindow, WindowStateStore, windowStateSchema } from './windows/windowState';
import { hardenSession, isExternalWebUrl } from './windows/security';

export interface RunningApp {
  focusMainWindow(): void;
  openMainWindow(): void;
  shutdown(): void;
}

/** Built bundles sit side by side: out/main, out/preload, out/renderer. */
const bundleDir = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The transfer worker, built as a second main entry (electron.vite.config.ts). */
const transferWorkerPath = join(bundleDir, 'main', 'transferWorker.js');
const rendererUrl = pathToFileURL(join(bundleDir, 'renderer', 'index.html')).href;

function isAppUrl(url: string): boolean {
  return url.split('#')[0]?.split('?')[0] === rendererUrl;
}

const NETWORK_POLL_MS = 3_000;
const PURGE_EVERY_MS = 60_000;

export async function startNagare(): Promise<RunningApp> {
  const platform = createElectronPlatform();
  const events = new EventSink(electronMessenger);
  hardenSession(session.defaultSession, isAppUrl);

  const settings = SettingsService.at(join(platform.userDataDir, 'settings.json'));
  const providers = new ProviderRegistry(
    new JsonFile(join(platform.userDataDir, 'providers.json'), storedProvidersSchema, () => ({ providers: [] })),
  );
  const secrets = new SecretsService({
    keychain: new KeytarSecretStore({ platform: process.platform }),
    session: new SessionSecretStore(),
    providers: () => providers.list().map(({ id, needsKey }) => ({ id, needsKey })),
  });
  const logger = new Logger({
    directory: platform.logsDir,
    clock: Date.now,
    maxFileBytes: 5 * 1024 * 1024,
    rotatedFiles: 3,
    secrets: () => secrets.knownSecretValues(),
    level: platform.isPackaged ? 'info' : 'debug',
  });

  const startup: Pick<AppInfo, 'recoveredDatabasePath' | 'damagedWalPath' | 'storageProblem'> = {
    recoveredDatabasePath: null,
    damagedWalPath: null,
    storageProblem: null,
  };
  const writeGate = new WriteGate();
  let database: OpenedHistoryDatabase | null = null;
  let mainConnection: HistoryDatabase | null = null;
  let stores: HistoryStores | null = null;
  let checkpointer: IdleCheckpointer | null = null;
  try {
    database = openHistoryDatabase({ directory: platform.userDataDir, now: Date.now });
    startup.recoveredDatabasePath = database.movedAsidePath;
    startup.damagedWalPath = database.damagedWalPath;
    // Main's writes go through the gate, so that an import in the worker lets them go first.
    mainConnection = gatedDatabase(database.db, writeGate);
    stores = createHistoryStores(mainConnection, Date.now, randomUUID);
    const interrupted = stores.history.markInterruptedOnStartup();
    stores.history.purgeExpiredDeletes();
    logger.info('History opened', {
      migratedFrom: database.migratedFrom,
      schemaVersion: database.schemaVersion,
      interrupted,
      movedAside: database.movedAsidePath !== null,
      damagedWal: database.damagedWalPath !== null,
    });
    checkpointer = new IdleCheckpointer({
      db: database.db,
      now: Date.now,
      every: (callback, ms) => {
        const timer = setInterval(callback, ms);
        return () => clearInterval(timer);
      },
      log: (level, message, fields) => logger.log(level, message, fields),
    });
    checkpointer.start();
  } catch (error) {
    // The app still starts: chat works in memory and the window says what is wrong with storage.
    startup.storageProblem = error instanceof Error ? error.message : String(error);
    logger.error('History could not be opened', { error });
  }

  const requireStores = (): HistoryStores => {
    if (!stores) throw new AppError('storage', startup.storageProblem ?? 'The history database could not be opened.');
    return stores;
  };
  const requireHistory = () => requireStores().history;
  const requireStreamLogs = () => requireStores().streamLogs;

  const client = (idleTimeoutMs = settings.get().idleTimeoutSeconds * 1000) =>
    new ChatCompletionClient({ fetch: platform.fetch, idleTimeoutMs });
  const chat = new ChatService({
    history: requireHistory,
    streamLogs: requireStreamLogs,
    providers,
    secrets,
    client,
    events,
    defaults: () => {
      const current = settings.get();
      return {
        providerId: current.defaultProviderId,
        parameters: current.defaultParameters,
        idleTimeoutSeconds: current.idleTimeoutSeconds,
      };
    },
    isOnline: () => platform.isOnline(),
    onHistoryChanged: (conversationId, reason) => events.toAll('history.changed', { conversationId, reason }),
    log: (level, message, fields) => logger.log(level, message, fields),
    newId: randomUUID,
  });

  const providerSetup = new ProvidersService({
    registry: providers,
    secrets,
    client: () => client(),
    defaultProvider: {
      get: () => settings.get().defaultProviderId,
      clear: () => settings.update({ defaultProviderId: null }),
    },
    log: (level, message, fields) => logger.log(level, message, fields),
  });

  const windowState = new WindowStateStore(
    new JsonFile(join(platform.userDataDir, 'window-state.json'), windowStateSchema, () => ({
      bounds: null,
      maximized: false,
    })),
  );
  const guards = {
    openExternal: (url: string) => void platform.openExternal(url),
    onRefused: (kind: string, url: string) =>
      logger.warn(`Refused ${kind}`, { to: isExternalWebUrl(url) ? new URL(url).origin : 'a non-web URL' }),
  };
  const backgroundColor = () => (nativeTheme.shouldUseDarkColors ? '#16171a' : '#ffffff');

  let mainWindow: BrowserWindow | null = null;
  const openMainWindow = () => {
    const saved = windowState.read();
    const window = createAppWindow({
      ...guards,
      bundleDir,
      bounds: placeWindow(saved, screen.getAllDisplays(), screen.getPrimaryDisplay()),
      title: 'Nagare',
      backgroundColor: backgroundColor(),
    });
    if (saved.maximized) window.maximize();
    const windowId = window.id;
    let saveTimer: ReturnType<typeof setTimeout> | null = null;
    const remember = () => {
      if (window.isDestroyed() || window.isMinimized() || window.isFullScreen()) return;
      windowState.save({ bounds: window.getNormalBounds(), maximized: window.isMaximized() });
    };
    const rememberSoon = () => {
      if (saveTimer) clearTimeout(saveTimer);
      saveTimer = setTimeout(remember, 500);
    };
    window.on('resize', rememberSoon);
    window.on('move', rememberSoon);
    window.on('close', () => {
      if (saveTimer) clearTimeout(saveTimer);
      remember();
    });
    window.on('closed', () => {
      chat.cancelWindow(windowId);
      if (mainWindow === window) mainWindow = null;
    });
    mainWindow = window;
  };
  const showMainWindow = () => {
    if (!mainWindow || mainWindow.isDestroyed()) return openMainWindow();
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };
  const runInMainWindow = (command: MenuCommand) => {
    if (mainWindow && !mainWindow.isDestroyed()) events.toWindow(mainWindow.id, 'menu.command', command);
  };

  const quickAsk = new QuickAskWindow({ ...guards, bundleDir, backgroundColor: backgroundColor() });
  if (!quickAsk.applyShortcut(settings.get().quickAskShortcut)) {
    logger.warn('The quick-ask shortcut could not be registered', { shortcut: settings.get().quickAskShortcut });
  }

  const transfers = new FileTransferService({
    dialogs: platform,
    runner: new TransferRunner(
      // No inherited flags: the worker needs none of main's (an inspector port, the e2e host's loaders).
      (workerData) => new Worker(transferWorkerPath, { workerData, execArgv: [] }),
      writeGate,
      (message, fields) => logger.warn(message, fields),
    ),
    databasePath: () => {
      requireHistory();
      return database!.path;
    },
    backUp: (path) => {
      requireHistory();
      backUpHistory(database!.db, path);
    },
    conversationTitle: (conversationId) => requireHistory().getConversation(conversationId).title,
    streamLog: (messageId) => chat.liveLog(messageId) ?? requireStreamLogs().get(messageId),
    sendProgress: (windowId, progress) => events.toWindow(windowId, 'transfer.progress', progress),
    onImported: () => events.toAll('history.changed', { conversationId: null, reason: 'imported' }),
    onSweepFailed: (error) => logger.warn('Could not remove an unfinished import', { error }),
    setMainCheckpoints: (on) => {
      mainConnection?.exec(`PRAGMA wal_autocheckpoint = ${on ? 1000 : 0}`);
      // The worker's writes are not this connection's: once it is done, empty the log it filled.
      if (on) checkpointer?.resume();
      else checkpointer?.pause();
    },
    newId: randomUUID,
    language: () => menuLanguage(),
  });
  if (database && stores && hasUnfinishedImports(database.db)) {
    // An import was cut off by a crash: its hidden rows go, off the main thread.
    transfers.sweepUnfinishedImports().then(
      (removed) => logger.info('Removed an unfinished import', { conversations: removed }),
      (error: unknown) => logger.warn('Could not remove an unfinished import', { error }),
    );
  }

  const dispatch = createDispatcher({
    handlers: createHandlers({
      platform,
      settings,
      providers,
      providerSetup,
      secrets: secrets.rendererFace(),
      history: requireHistory,
      streamLogs: requireStreamLogs,
      drafts: () => requireStores().drafts,
      chat,
      startup,
      transfers,
      updateSettings: (patch) =>
        updateSettings(
          settings,
          {
            assertProvider: (providerId) => providers.get(providerId),
            applyShortcut: (accelerator) => quickAsk.applyShortcut(accelerator),
          },
          patch,
        ),
      quickAsk: {
        hide: () => quickAsk.hide(),
        openInMain: (conversationId) => {
          quickAsk.hide();
          showMainWindow();
          runInMainWindow({ command: 'conversation.open', conversationId });
        },
      },
    }),
    isAppUrl,
    onUnexpectedError: (channel, error) => logger.error(`IPC ${channel} failed`, { error }),
  });
  const unregister = registerIpcHandlers(dispatch);

  // Deleted conversations wait out their undo window, then go for good.
  const purgeTimer = setInterval(() => {
    try {
      stores?.history.purgeExpiredDeletes();
    } catch (error) {
      logger.warn('Could not purge deleted conversations', { error });
    }
  }, PURGE_EVERY_MS);

  let online = platform.isOnline();
  const networkTimer = setInterval(() => {
    const now = platform.isOnline();
    if (now === online) return;
    online = now;
    events.toAll('network.changed', { online });
  }, NETWORK_POLL_MS);

  const updater = createUpdater({
    isPackaged: platform.isPackaged,
    log: (level, message, fields) => logger.log(level, message, fields),
    askToInstall: (version) => platform.askToInstallUpdate(version, menuLanguage()),
  });
  updater.checkOnStart();

  function menuLanguage(): 'en' | 'ja' {
    const { language } = settings.get();
    const locale = language === 'system' ? platform.systemLocale() : language;
    return locale.toLowerCase().startsWith('ja') ? 'ja' : 'en';
  }
  const installMenu = () =>
    installApplicationMenu(
      { platform: platform.name, language: menuLanguage(), isPackaged: platform.isPackaged },
      {
        runCommand: (command) => {
          showMainWindow();
          runInMainWindow({ command });
        },
        checkForUpdates: () => void updater.checkNow(),
        showLogs: () => void platform.openPath(platform.logsDir),
        quickAsk: () => quickAsk.show(),
      },
    );
  installMenu();
  settings.onChange(installMenu);

  openMainWindow();

  return {
    focusMainWindow: showMainWindow,
    openMainWindow,
    shutdown: () => {
      transfers.cancel();
      quickAsk.dispose();
      clearInterval(networkTimer);
      clearInterval(purgeTimer);
      chat.cancelAll();
      unregister();
      checkpointer?.stop();
      if (database) {
        try {
          closeHistoryDatabase(database.db);
        } catch (error) {
          logger.error('Could not checkpoint the history on quit', { error });
        }
      }
    },
  };
}
