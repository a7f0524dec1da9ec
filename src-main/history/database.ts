/**
 * Opens the one history database: WAL, foreign keys, a busy timeout,
 * migrations keyed by `PRAGMA user_version` (with a backup copy first), and
 * recovery from a file SQLite cannot open by moving it aside, never deleting it.
 * A damaged write-ahead log is noticed and kept aside; closing moves the log into
 * the database file, so `nagare.db` alone holds the whole history.
 *
 * Opening reads only what it must (the header, the schema), so it costs the same
 * at any size; the whole-file check is `healthCheck.ts`'s, run off the critical path.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { HistoryError, describeStorageFailure, isStorageFailure, storageReason } from './errors';
import { MIGRATIONS, type Migration } from './migrations';
import { inspectWal } from './walInspection';

/** A libsql connection (better-sqlite3-compatible API). */
export type HistoryDatabase = Database.Database;

/** What the caller passes to `openHistoryDatabase`. */
export interface OpenHistoryDatabaseOptions {
  /** The app's user-data folder; the database lives directly inside it. */
  directory: string;
  /** The clock, used to name backup and moved-aside files. */
  now: () => number;
  /** Defaults to `nagare.db`. */
  fileName?: string;
  /** How long a write waits for a lock before failing. Defaults to 5 s. */
  busyTimeoutMs?: number;
  /** Migrations to apply; tests pass a prefix to build old schemas. */
  migrations?: readonly Migration[];
}

/** An open database and what happened while opening it, for the UI to tell the user. */
export interface OpenedHistoryDatabase {
  db: HistoryDatabase;
  path: string;
  /** Where a damaged database was moved; null when the file was fine. */
  movedAsidePath: string | null;
  /**
   * Where a copy of a damaged write-ahead log was kept: SQLite replayed what it could and
   * dropped committed changes after the damage. Null when the log was fine.
   */
  damagedWalPath: string | null;
  /** The copy taken before migrating an existing database; null when none was needed. */
  backupPath: string | null;
  /** The `user_version` found on disk before migrating (0 for a new file). */
  migratedFrom: number;
  schemaVersion: number;
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const SIDE_FILES = ['-wal', '-shm'] as const;

/** A file-name-safe UTC stamp, e.g. `20250101T120000123Z`. */
export function fileStamp(time: number): string {
  return new Date(time).toISOString().replace(/[-:.]/g, '');
}

/** Reads `user_version`; libsql's `pragma(…, { simple })` does not pluck, so read the row. */
export function userVersion(db: HistoryDatabase): number {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number } | undefined;
  return row?.user_version ?? 0;
}

function hasForeignHeader(file: string): boolean {
  let handle: number | undefined;
  try {
    handle = fs.openSync(file, 'r');
    const header = Buffer.alloc(SQLITE_MAGIC.length);
    const read = fs.readSync(handle, header, 0, header.length, 0);
    // An empty file is a valid empty database; anything else must start with the magic.
    return read > 0 && !header.subarray(0, read).equals(SQLITE_MAGIC.subarray(0, read));
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return false;
    throw error;
  } finally {
    if (handle !== undefined) fs.closeSync(handle);
  }
}

function configure(db: HistoryDatabase, busyTimeoutMs: number): void {
  db.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  db.exec('PRAGMA journal_mode = WAL');
  // FULL: a committed flush survives power loss, not only a crash; one fsync per flush is cheap.
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
}

/**
 * Keeps a copy of a write-ahead log that SQLite would replay only in part (see
 * `walInspection.ts`), before opening replays and then empties it. Null when it is whole.
 */
function keepDamagedWal(file: string, time: number): string | null {
  const wal = `${file}-wal`;
  const inspection = inspectWal(wal);
  if (inspection.lostCommits === 0 && inspection.unreadable === null) return null;
  const copy = `${wal}.damaged-${fileStamp(time)}`;
  fs.copyFileSync(wal, copy);
  return copy;
}

/**
 * Moves everything in the write-ahead log into the database file and empties the log, so that
 * `nagare.db` alone is the whole history (a backup or a sync of that one file is complete).
 * Answers whether it could; it cannot while another connection is reading.
 */
export function checkpointWal(db: HistoryDatabase): boolean {
  const row = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number } | undefined;
  return row?.busy === 0;
}

/**
 * Checkpoints and closes. libsql's `close()` alone leaves the log as it is, and the history with
 * it: after a clean quit `nagare.db` held 4 KB and the log everything else.
 */
export function closeHistoryDatabase(db: HistoryDatabase): void {
  try {
    checkpointWal(db);
  } finally {
    db.close();
  }
}

/**
 * The damaged histories moved aside in `directory` (`nagare.db.corrupt-<stamp>`, without their
 * -wal and -shm) that are still there: the user has not yet dealt with them.
 */
export function movedAsideHistories(directory: string, fileName = 'nagare.db'): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(directory);
  } catch {
    return [];
  }
  const prefix = `${fileName}.corrupt-`;
  return names
    .filter((name) => name.startsWith(prefix) && !SIDE_FILES.some((suffix) => name.endsWith(suffix)))
    .map((name) => path.join(directory, name));
}

/**
 * Renames a damaged database to `<file>.corrupt-<stamp>`, with its -wal and -shm, and answers
 * the new name. Every connection to it must be closed first (Windows cannot rename an open file,
 * and a connection left open would go on writing to the moved file).
 */
export function moveDatabaseAside(file: string, time: number): string {
  const target = `${file}.corrupt-${fileStamp(time)}`;
  fs.renameSync(file, target);
  for (const suffix of SIDE_FILES) {
    if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
  }
  return target;
}

function migrate(
  db: HistoryDatabase,
  file: string,
  migrations: readonly Migration[],
  now: () => number,
): { from: number; backupPath: string | null } {
  const from = userVersion(db);
  const pending = migrations.filter((migration) => migration.version > from);
  if (pending.length === 0) return { from, backupPath: null };
  let backupPath: string | null = null;
  const hasTables =
    (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n > 0;
  if (from > 0 || hasTables) {
    backupPath = `${file}.backup-v${from}-${fileStamp(now())}`;
    // VACUUM INTO gives a consistent copy even with pages still in the WAL.
    db.prepare('VACUUM INTO ?').run(backupPath);
  }
  for (const migration of pending) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.exec(`PRAGMA user_version = ${migration.version}`);
    }).immediate();
  }
  return { from, backupPath };
}

/** Opens and configures; throws when SQLite cannot read the file's header or schema. */
function openReadable(file: string, busyTimeoutMs: number): HistoryDatabase {
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    configure(db, busyTimeoutMs);
    // Reads the schema: a header that looks right over pages that do not fails here.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * A second connection to the history database that `openHistoryDatabase`
 * already opened and migrated: the transfer worker's. Same settings,
 * no migration or recovery. It waits up to `busyTimeoutMs` for main's writes.
 */
export function connectToHistoryDatabase(file: string, busyTimeoutMs = 30_000): HistoryDatabase {
  const db = new Database(file, { timeout: busyTimeoutMs });
  try {
    configure(db, busyTimeoutMs);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Opens (creating if needed) the history database in `directory`.
 *
 * A file that is not a database, or cannot be opened or migrated for a reason
 * other than the disk, is moved aside as `<file>.corrupt-<stamp>` with its
 * -wal/-shm, and a fresh database is created; `movedAsidePath` reports it.
 * Damage deeper in the file is for `healthCheck.ts` to find.
 * A write-ahead log that SQLite would replay only in part is copied aside first,
 * as `<file>-wal.damaged-<stamp>`; `damagedWalPath` reports it.
 * A full disk or unwritable folder throws `HistoryError('storage')`.
 */
export function openHistoryDatabase(options: OpenHistoryDatabaseOptions): OpenedHistoryDatabase {
  const { directory, now } = options;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const migrations = options.migrations ?? MIGRATIONS;
  const file = path.join(directory, options.fileName ?? 'nagare.db');
  try {
    fs.mkdirSync(directory, { recursive: true });
    const damagedWalPath = keepDamagedWal(file, now());
    let movedAsidePath: string | null = null;
    let db: HistoryDatabase;
    if (hasForeignHeader(file)) {
      movedAsidePath = moveDatabaseAside(file, now());
      db = openReadable(file, busyTimeoutMs);
    } else {
      try {
        db = openReadable(file, busyTimeoutMs);
      } catch (error) {
        if (isStorageFailure(error) || !fs.existsSync(file)) throw error;
        movedAsidePath = moveDatabaseAside(file, now());
        db = openReadable(file, busyTimeoutMs);
      }
    }
    try {
      const { from, backupPath } = migrate(db, file, migrations, now);
      return {
        db,
        path: file,
        movedAsidePath,
        damagedWalPath,
        backupPath,
        migratedFrom: from,
        schemaVersion: userVersion(db),
      };
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    if (error instanceof HistoryError) throw error;
    if (isStorageFailure(error)) {
      throw new HistoryError('storage', describeStorageFailure(error), { cause: error, reason: storageReason(error) });
    }
    throw new HistoryError('storage', `The chat history could not be opened: ${String(error)}`, { cause: error });
  }
}
