import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LogFields, LogLevel } from '../logging/logger';
import { createUpdater, type AutoUpdaterLike, type UpdaterDeps } from './updater';

type CheckResult = Awaited<ReturnType<AutoUpdaterLike['checkForUpdates']>>;

/** electron-updater's autoUpdater, reduced to what the adapter touches. */
class FakeAutoUpdater extends EventEmitter implements AutoUpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  logger: AutoUpdaterLike['logger'] = null;
  checks = 0;
  /** What the next check does; by default it finds nothing. */
  nextCheck: () => Promise<CheckResult> = async () => ({ isUpdateAvailable: false });

  checkForUpdates(): Promise<CheckResult> {
    this.checks++;
    return this.nextCheck();
  }

  /** Like electron-updater: report the failure as an 'error' event, then reject with it. */
  failCheckWith(error: Error): void {
    this.nextCheck = async () => {
      this.emit('error', error);
      throw error;
    };
  }
}

interface LogLine {
  level: LogLevel;
  message: string;
  fields?: LogFields;
}

function setUp(overrides: Partial<UpdaterDeps> = {}) {
  const fake = new FakeAutoUpdater();
  const lines: LogLine[] = [];
  const loadUpdater = vi.fn(async () => fake);
  const askToInstall = vi.fn(async (_version: string) => true);
  const updater = createUpdater({
    isPackaged: true,
    log: (level, message, fields) => lines.push({ level, message, ...(fields ? { fields } : {}) }),
    askToInstall,
    loadUpdater,
    ...overrides,
  });
  return { updater, fake, lines, loadUpdater, askToInstall };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

afterEach(() => {
  vi.useRealTimers();
});

describe('createUpdater', () => {
  it('is off in a development build and never loads electron-updater', async () => {
    vi.useFakeTimers();
    const { updater, loadUpdater } = setUp({ isPackaged: false });
    updater.checkOnStart();
    await vi.runAllTimersAsync();
    expect(await updater.checkNow()).toBe('disabled');
    expect(loadUpdater).not.toHaveBeenCalled();
  });

  it('checks once, a while after start, downloading in the background but not installing on quit', async () => {
    vi.useFakeTimers();
    const { updater, fake, loadUpdater } = setUp({ startDelayMs: 5_000 });
    updater.checkOnStart();
    await vi.advanceTimersByTimeAsync(4_999);
    expect(loadUpdater).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(fake.checks).toBe(1);
    expect(fake.autoDownload).toBe(true);
    expect(fake.autoInstallOnAppQuit).toBe(false);
  });

  it('reports what a check found, and loads electron-updater only once', async () => {
    const { updater, fake, loadUpdater } = setUp();
    expect(await updater.checkNow()).toBe('none');
    fake.nextCheck = async () => ({ isUpdateAvailable: true, downloadPromise: Promise.resolve(['/tmp/setup']) });
    expect(await updater.checkNow()).toBe('available');
    fake.nextCheck = async () => null;
    expect(await updater.checkNow()).toBe('disabled');
    expect(loadUpdater).toHaveBeenCalledTimes(1);
  });

  it('answers "checking" rather than starting a second check while one runs', async () => {
    const { updater, fake } = setUp();
    let finish: (result: CheckResult) => void = () => undefined;
    fake.nextCheck = () => new Promise((resolve) => (finish = resolve));
    const first = updater.checkNow();
    await settle();
    expect(await updater.checkNow()).toBe('checking');
    finish({ isUpdateAvailable: false });
    expect(await first).toBe('none');
    expect(fake.checks).toBe(1);
    // Once it has finished, the next call checks again.
    fake.nextCheck = async () => ({ isUpdateAvailable: true });
    expect(await updater.checkNow()).toBe('available');
    expect(fake.checks).toBe(2);
  });

  it('logs a failed check once, as a warning, and resolves instead of throwing', async () => {
    const { updater, fake, lines } = setUp();
    const offline = new Error('net::ERR_INTERNET_DISCONNECTED');
    fake.failCheckWith(offline);
    await expect(updater.checkNow()).resolves.toBe('error');
    expect(lines).toEqual([{ level: 'warn', message: 'Update failed', fields: { error: offline } }]);
  });

  it('logs a check that rejects without an error event', async () => {
    const { updater, fake, lines } = setUp();
    fake.nextCheck = () => Promise.reject(new Error('latest.yml: 404'));
    expect(await updater.checkNow()).toBe('error');
    expect(lines).toEqual([
      { level: 'warn', message: 'Update check failed', fields: { error: new Error('latest.yml: 404') } },
    ]);
  });

  it('keeps a failed background download quiet: logged, never an unhandled rejection', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const { updater, fake, lines } = setUp();
      const broken = new Error('sha512 checksum mismatch');
      fake.nextCheck = async () => {
        const downloadPromise = Promise.reject(broken);
        setImmediate(() => fake.emit('error', broken));
        return { isUpdateAvailable: true, downloadPromise };
      };
      expect(await updater.checkNow()).toBe('available');
      await settle();
      await settle();
      expect(unhandled).not.toHaveBeenCalled();
      expect(lines).toContainEqual({ level: 'warn', message: 'Update failed', fields: { error: broken } });
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('logs, and gives up quietly, when electron-updater cannot be loaded', async () => {
    const missing = new Error("Cannot find package 'electron-updater'");
    const { updater, lines } = setUp({ loadUpdater: () => Promise.reject(missing) });
    expect(await updater.checkNow()).toBe('error');
    expect(lines).toEqual([{ level: 'warn', message: 'The updater could not be loaded', fields: { error: missing } }]);
  });

  it('asks when an update has downloaded, and installs on quit only after a yes', async () => {
    const { updater, fake, askToInstall } = setUp();
    let answer: (yes: boolean) => void = () => undefined;
    askToInstall.mockImplementation(() => new Promise((resolve) => (answer = resolve)));
    await updater.checkNow();

    fake.emit('update-downloaded', { version: '0.2.0' });
    expect(askToInstall).toHaveBeenCalledWith('0.2.0');
    await settle();
    expect(fake.autoInstallOnAppQuit).toBe(false);

    answer(true);
    await settle();
    expect(fake.autoInstallOnAppQuit).toBe(true);
    // Agreed once: later downloads install on quit without asking again.
    fake.emit('update-downloaded', { version: '0.2.1' });
    expect(askToInstall).toHaveBeenCalledTimes(1);
  });

  it('does not install on quit after a no, and asks again at the next download', async () => {
    const { updater, fake, askToInstall, lines } = setUp();
    askToInstall.mockResolvedValue(false);
    await updater.checkNow();
    fake.emit('update-downloaded', { version: '0.2.0' });
    await settle();
    expect(fake.autoInstallOnAppQuit).toBe(false);
    expect(lines).toContainEqual({ level: 'info', message: 'Update postponed', fields: { version: '0.2.0' } });

    fake.emit('update-downloaded', { version: '0.2.0' });
    await settle();
    expect(askToInstall).toHaveBeenCalledTimes(2);
  });

  it('asks one question at a time', async () => {
    const { updater, fake, askToInstall } = setUp();
    askToInstall.mockImplementation(() => new Promise(() => undefined));
    await updater.checkNow();
    fake.emit('update-downloaded', { version: '0.2.0' });
    fake.emit('update-downloaded', { version: '0.2.0' });
    expect(askToInstall).toHaveBeenCalledTimes(1);
  });

  it('logs a question that failed, and leaves the update uninstalled', async () => {
    const { updater, fake, askToInstall, lines } = setUp();
    const closed = new Error('window closed');
    askToInstall.mockRejectedValue(closed);
    await updater.checkNow();
    fake.emit('update-downloaded', { version: '0.2.0' });
    await settle();
    expect(fake.autoInstallOnAppQuit).toBe(false);
    expect(lines).toContainEqual({
      level: 'warn',
      message: 'Could not ask about the update',
      fields: { version: '0.2.0', error: closed },
    });
  });

  it("routes electron-updater's own log into the app log, without repeating its errors", async () => {
    const { updater, fake, lines } = setUp();
    await updater.checkNow();
    fake.logger?.info('Checking for update');
    fake.logger?.warn('Cannot remove temp dir');
    fake.logger?.error('Error: Error: net::ERR_FAILED\n    at ...');
    fake.logger?.error('Cannot download differentially, fallback to full download');
    expect(lines).toEqual([
      { level: 'info', message: 'Updater: Checking for update' },
      { level: 'warn', message: 'Updater: Cannot remove temp dir' },
      { level: 'debug', message: 'Updater: Error: Error: net::ERR_FAILED\n    at ...' },
      { level: 'warn', message: 'Updater: Cannot download differentially, fallback to full download' },
    ]);
  });
});
