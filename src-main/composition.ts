/** The composition root: the one place where services are created and wired together. */
import { homedir } from 'node:os';
import { McpService, loadMcpSdk } from './mcp/McpService';
import { mcpServerFile } from './mcp/mcpServerFile';
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { nativeTheme, screen, session, type BrowserWindow } from 'electron';
import type { MenuCommand } from '../src-preload/contract/types';
import { AttachmentService } from './attachments/AttachmentService';
import { BlobStore } from './attachments/BlobStore';
import { pdfReaderInWorker } from './attachments/pdfWorker';
import { AppError } from './common/AppError';
import { EventSink } from './common/EventSink';
import { backUpHistory } from './history/backup';
import { checkInWorker, HealthRecord, type CheckReason } from './history/healthCheck';
import { HistoryStorage } from './history/HistoryStorage';
import { movedAsideHistories } from './history/database';
import type { HistoryStores } from './history/HistoryStores';
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
import { WriteGate } from './transfer/writeGate';
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
/** The attachment worker (PDF text), a third main entry. */
const attachmentWorkerPath = join(bundleDir, 'main', 'attachmentWorker.js');
/** The history's health check, a third. */
const healthCheckWorkerPath = join(bundleDir, 'main', 'healthCheckWorker.js');
const rendererUrl = pathToFileURL(join(bundleDir, 'renderer', 'index.html')).href;

function isAppUrl(url: string): boolean {
  return url.split('#')[0]?.split('?')[0] === rendererUrl;
}

const NETWORK_POLL_MS = 3_000;
const PURGE_EVERY_MS = 60_000;
/**
 * The health check waits this long after the window shows, leaving the cores to its first paint and
 * loads. `NAGARE_HEALTH_CHECK_DELAY_MS` changes it, for tests that act before the check does.
 */
const HEALTH_CHECK_DELAY_MS = Number(process.env.NAGARE_HEALTH_CHECK_DELAY_MS) || 1_000;

/** Milliseconds since the epoch, to the fraction: start-up's marks, comparable with the renderer's `performance.timeOrigin`. */
const epochNow = () => performance.timeOrigin + performance.now();

export async function startNagare(): Promise<RunningApp> {
  // What start-up spends before the window can paint, logged once it shows (bench/coldStart.ts reads it).
  const startupMarks: Record<string, number> = { processStarted: performance.timeOrigin, servicesStarted: epochNow() };
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

  const writeGate = new WriteGate();
  const storage = new HistoryStorage({
    directory: platform.userDataDir,
    now: Date.now,
    newId: randomUUID,
    writeGate,
    every: (callback, ms) => {
      const timer = setInterval(callback, ms);
      return () => clearInterval(timer);
    },
    log: (level, message, fields) => logger.log(level, message, fields),
  });
  storage.open();
  // Whether the last run quit cleanly decides whether the history is checked, after the window shows.
  const healthRecord = new HealthRecord(platform.userDataDir, Date.now);
  let checkDue: CheckReason = null;
  try {
    checkDue = healthRecord.begin();
  } catch (error) {
    checkDue = 'unknown';
    logger.warn('Could not read or write the history health record', { error });
  }

  const requireStores = (): HistoryStores => {
    const stores = storage.stores;
    if (!stores) {
      const problem = storage.report.storageProblem;
      throw new AppError('storage', problem?.message ?? 'The history database could not be opened.', {
        reason: problem?.reason ?? 'unavailable',
      });
    }
    return stores;
  };
  const requireHistory = () => requireStores().history;
  const requireStreamLogs = () => requireStores().streamLogs;

  const client = (idleTimeoutMs = settings.get().idleTimeoutSeconds * 1000) =>
    new ChatCompletionClient({ fetch: platform.fetch, idleTimeoutMs });
  const attachmentBlobs = new BlobStore(join(platform.userDataDir, 'attachments'));
  const mcp = new McpService({
    store: mcpServerFile(join(platform.userDataDir, 'mcp-servers.json')),
    // Only PATH, HOME and the locale are taken from it; see minimalEnvironment.ts.
    appEnvironment: process.env,
    homeDir: homedir(),
    loadSdk: () => loadMcpSdk({ name: 'Nagare', version: platform.appVersion }),
    headerSecrets: secrets,
    onChanged: (servers) => events.toAll('mcp.changed', servers),
    log: (level, message, fields) => logger.log(level, message, fields),
    newId: randomUUID,
  });
  mcp.startEnabled();
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
    attachmentBytes: (id) => attachmentBlobs.read(id),
    tools: mcp,
    // A streaming reply's periodic save waits for an import's transaction without blocking main.
    writeWhenFree: (write) => writeGate.writeWhenFree(write),
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
  let shownOnce = false;
  const openMainWindow = () => {
    const saved = windowState.read();
    startupMarks.windowRequested ??= epochNow();
    const window = createAppWindow({
      ...guards,
      bundleDir,
      bounds: placeWindow(saved, screen.getAllDisplays(), screen.getPrimaryDisplay()),
      title: 'Nagare',
      backgroundColor: backgroundColor(),
    });
    if (saved.maximized) window.maximize();
    startupMarks.windowCreated ??= epochNow();
    window.once('ready-to-show', () => {
      if (shownOnce) return;
      shownOnce = true;
      startupMarks.windowShown = epochNow();
      afterFirstShow();
    });
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
    attachmentsDir: attachmentBlobs.directory,
    runner: new TransferRunner(
      // No inherited flags: the worker needs none of main's (an inspector port, the e2e host's loaders).
      (workerData) => new Worker(transferWorkerPath, { workerData, execArgv: [] }),
      writeGate,
      (message, fields) => logger.warn(message, fields),
    ),
    databasePath: () => {
      requireHistory();
      return storage.database!.path;
    },
    backUp: (path) => {
      requireHistory();
      backUpHistory(storage.database!.db, path);
    },
    conversationTitle: (conversationId) => requireHistory().getConversation(conversationId).title,
    streamLog: (messageId) => chat.liveLog(messageId) ?? requireStreamLogs().get(messageId),
    sendProgress: (windowId, progress) => events.toWindow(windowId, 'transfer.progress', progress),
    onImported: () => events.toAll('history.changed', { conversationId: null, reason: 'imported' }),
    onSweepFailed: (error) => logger.warn('Could not remove an unfinished import', { error }),
    setMainCheckpoints: (on) => storage.setCheckpoints(on),
    newId: randomUUID,
    language: () => menuLanguage(),
  });

  const attachments = new AttachmentService({
    store: () => requireStores().attachments,
    blobs: attachmentBlobs,
    readPdf: pdfReaderInWorker((workerData) => new Worker(attachmentWorkerPath, { workerData, execArgv: [] })),
    dialogs: platform,
    historyAside: () => movedAsideHistories(platform.userDataDir).length > 0,
    openPath: (path) => platform.openPath(path),
    openedCopiesDir: join(tmpdir(), `nagare-opened-${process.pid}`),
    now: Date.now,
  });

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
      attachments,
      mcp,
      startup: storage.report,
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
  const purgeExpiredDeletes = () => {
    try {
      storage.stores?.history.purgeExpiredDeletes();
    } catch (error) {
      logger.warn('Could not purge deleted conversations', { error });
    }
    try {
      // After the purge: files only purged conversations referred to go with them.
      if (storage.stores) attachments.collectGarbage();
    } catch (error) {
      logger.warn('Could not remove unused attachments', { error });
    }
  };
  const purgeTimer = setInterval(purgeExpiredDeletes, PURGE_EVERY_MS);

  let healthWorker: Worker | null = null;
  let healthTimer: ReturnType<typeof setTimeout> | null = null;
  /**
   * A damaged history found after the window showed: replies and transfers are stopped and let go
   * of it, it is moved aside, a fresh one takes its place, and every window is told (as at start-up).
   */
  const replaceDamagedHistory = async (problem: string) => {
    // Each reply is saved as cancelled before cancelAll returns: into the damaged file, not the fresh one.
    chat.cancelAll();
    await transfers.stop();
    events.toAll('history.replaced', storage.replaceDamaged(problem));
  };
  const checkHistory = async (reason: CheckReason) => {
    const database = storage.database;
    if (!database) return;
    const started = Date.now();
    const report = await checkInWorker((workerData) => {
      healthWorker = new Worker(healthCheckWorkerPath, { workerData, execArgv: [] });
      return healthWorker;
    }, database.path);
    healthWorker = null;
    if (storage.database !== database) return;
    logger.log(report.status === 'healthy' ? 'info' : 'warn', 'History checked', {
      reason,
      status: report.status,
      ms: Date.now() - started,
      ...(report.status === 'damaged' ? { problems: report.problems.slice(0, 5) } : {}),
      ...(report.status === 'unknown' ? { detail: report.detail } : {}),
    });
    if (report.status === 'damaged') await replaceDamagedHistory(report.problems.slice(0, 3).join('; '));
    if (report.status !== 'unknown') healthRecord.checked();
  };
  /** What can wait until the window shows: the purge, an interrupted import's sweep, the health check. */
  const afterFirstShow = () => {
    const since = (from: string, to: string) => Math.round((startupMarks[to] ?? NaN) - (startupMarks[from] ?? NaN));
    logger.info('Started', {
      marks: startupMarks,
      beforeServicesMs: since('processStarted', 'servicesStarted'),
      servicesMs: since('servicesStarted', 'windowRequested'),
      windowMs: since('windowRequested', 'windowCreated'),
      toShownMs: since('windowCreated', 'windowShown'),
    });
    purgeExpiredDeletes();
    const database = storage.database;
    if (database && hasUnfinishedImports(database.db)) {
      // An import was cut off by a crash: its hidden rows go, off the main thread.
      transfers.sweepUnfinishedImports().then(
        (removed) => logger.info('Removed an unfinished import', { conversations: removed }),
        (error: unknown) => logger.warn('Could not remove an unfinished import', { error }),
      );
    }
    if (checkDue === null) {
      logger.info('History check not needed', { reason: 'clean-shutdown' });
      return;
    }
    healthTimer = setTimeout(() => {
      healthTimer = null;
      checkHistory(checkDue).catch((error: unknown) => logger.error('The history check failed', { error }));
    }, HEALTH_CHECK_DELAY_MS);
  };

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
      void mcp.stopAll();
      unregister();
      if (healthTimer) clearTimeout(healthTimer);
      void healthWorker?.terminate();
      try {
        storage.close();
      } catch (error) {
        logger.error('Could not checkpoint the history on quit', { error });
      }
      try {
        healthRecord.endCleanly();
      } catch (error) {
        logger.warn('Could not record the clean quit', { error });
      }
    },
  };
}
