/**
 * The open history database and everything bound to its connection: main's
 * write-gated connection, the history stores and the idle checkpointer. It opens
 * them at start-up, and replaces them with a fresh database when the one open
 * turns out to be damaged (found by the health check after the window showed,
 * or by the first queries at start-up), keeping the damaged file aside.
 *
 * Callers reach the stores through `stores` each time, never keep it:
 * after a replacement it is another object, on another file.
 */
import { gatedDatabase, type WriteGate } from '../transfer/writeGate';
import type { StorageReport } from '../../src-preload/contract/types';
import {
  closeHistoryDatabase,
  moveDatabaseAside,
  openHistoryDatabase,
  type HistoryDatabase,
  type OpenedHistoryDatabase,
} from './database';
import { isCorruption, storageFailureShape } from './errors';
import { createHistoryStores, type HistoryStores } from './HistoryStores';
import { IdleCheckpointer } from './IdleCheckpointer';

/** Dependencies of {@link HistoryStorage}. */
export interface HistoryStorageDependencies {
  /** The user-data folder, where `nagare.db` is. */
  directory: string;
  now: () => number;
  newId: () => string;
  /** Main's writes go through it, so that an import in a worker lets them go first. */
  writeGate: WriteGate;
  /** Runs `callback` every `ms` until the returned function is called (the idle checkpointer's poll). */
  every: (callback: () => void, ms: number) => () => void;
  log: (level: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => void;
}

/** See the module comment. */
export class HistoryStorage {
  /** Set when start-up or a replacement found something to tell; the window reads it at load. */
  readonly report: StorageReport = { recoveredDatabasePath: null, damagedWalPath: null, storageProblem: null };
  private opened: OpenedHistoryDatabase | null = null;
  private connection: HistoryDatabase | null = null;
  private openStores: HistoryStores | null = null;
  private checkpointer: IdleCheckpointer | null = null;

  constructor(private readonly deps: HistoryStorageDependencies) {}

  /** The stores on the open database; null when storage could not be opened. */
  get stores(): HistoryStores | null {
    return this.openStores;
  }

  /** The open database (its path, its raw connection for backups); null when storage could not be opened. */
  get database(): OpenedHistoryDatabase | null {
    return this.opened;
  }

  /**
   * Opens the database and does what must happen before the window reads it: replies that were
   * streaming when the last run ended are marked interrupted. A file too damaged for that is moved
   * aside at once, as one SQLite cannot open is. The app still starts when storage fails; `report`
   * then says why.
   */
  open(): void {
    try {
      this.attach(openHistoryDatabase({ directory: this.deps.directory, now: this.deps.now }));
      this.report.recoveredDatabasePath = this.opened!.movedAsidePath;
      this.report.damagedWalPath = this.opened!.damagedWalPath;
      let interrupted: number;
      try {
        interrupted = this.openStores!.history.markInterruptedOnStartup();
      } catch (error) {
        if (!isDamage(error)) throw error;
        this.replaceDamaged(String(error));
        interrupted = 0;
      }
      this.deps.log('info', 'History opened', {
        migratedFrom: this.opened!.migratedFrom,
        schemaVersion: this.opened!.schemaVersion,
        interrupted,
        movedAside: this.report.recoveredDatabasePath !== null,
        damagedWal: this.opened!.damagedWalPath !== null,
      });
    } catch (error) {
      const opened = this.opened;
      this.detach();
      opened?.db.close();
      this.fail(error, 'History could not be opened');
    }
  }

  /**
   * Closes the damaged database without writing to it, moves it aside with its -wal and -shm
   * (`nagare.db.corrupt-<time>`), and opens a fresh one in its place. Nothing else may be using
   * the file: the caller stops replies and transfers first. Answers the report the window is told.
   */
  replaceDamaged(problem: string): StorageReport {
    const damaged = this.opened;
    if (!damaged) return this.report;
    this.detach();
    try {
      // No checkpoint: the log may hold the last good pages, and it goes aside with the file.
      damaged.db.close();
      this.report.recoveredDatabasePath = moveDatabaseAside(damaged.path, this.deps.now());
      this.deps.log('warn', 'The history was damaged and was moved aside', { problem });
      this.attach(openHistoryDatabase({ directory: this.deps.directory, now: this.deps.now }));
    } catch (error) {
      this.fail(error, 'A fresh history could not be opened');
    }
    return { ...this.report };
  }

  /** Holds the idle checkpoints back (off) while a worker writes, or lets them go again (on). */
  setCheckpoints(on: boolean): void {
    this.connection?.exec(`PRAGMA wal_autocheckpoint = ${on ? 1000 : 0}`);
    // The worker's writes are not this connection's: once it is done, empty the log it filled.
    if (on) this.checkpointer?.resume();
    else this.checkpointer?.pause();
  }

  /** Empties the log into the database file and closes it (at quit). */
  close(): void {
    const opened = this.opened;
    this.detach();
    if (opened) closeHistoryDatabase(opened.db);
  }

  private attach(opened: OpenedHistoryDatabase): void {
    this.opened = opened;
    this.connection = gatedDatabase(opened.db, this.deps.writeGate);
    this.openStores = createHistoryStores(this.connection, this.deps.now, this.deps.newId);
    this.checkpointer = new IdleCheckpointer({
      db: opened.db,
      now: this.deps.now,
      every: this.deps.every,
      log: (level, message, fields) => this.deps.log(level, message, fields),
    });
    this.checkpointer.start();
  }

  private detach(): void {
    this.checkpointer?.stop();
    this.checkpointer = null;
    this.openStores = null;
    this.connection = null;
    this.opened = null;
  }

  private fail(error: unknown, message: string): void {
    // The app still runs: chat works in memory and the window says what is wrong with storage.
    this.report.storageProblem = storageFailureShape(error);
    this.deps.log('error', message, { error });
  }
}

/** SQLite found the file damaged, directly or behind the repository's storage error. */
export function isDamage(error: unknown): boolean {
  return isCorruption(error) || (error instanceof Error && isCorruption(error.cause));
}
