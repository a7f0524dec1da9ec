/**
 * The history database's health check, off the critical path. Opening the
 * database reads only its header and schema; `PRAGMA quick_check` reads every
 * page (about half a second for 50 MB, more as history grows), so it runs on a
 * second connection in a worker thread once the window is shown, and only when
 * it is due: after a run that did not quit cleanly (a crash, a power cut, a
 * killed process), when the last check is old, or when nothing is known.
 *
 * Whether the last run quit cleanly is kept beside the database in
 * `history-health.json`: start-up marks the run as not yet ended, a clean quit
 * marks it ended (unless a check that was due never finished).
 */
import { join } from 'node:path';
import type { Worker } from 'node:worker_threads';
import Database from 'libsql';
import { z } from 'zod';
import { JsonFile } from '../settings/JsonFile';
import type { HistoryDatabase } from './database';
import { isCorruption } from './errors';

/** The file, in the user-data folder, that says how the last run ended and when the history was last checked. */
export const HEALTH_STATE_FILE = 'history-health.json';
/** A history that was not checked for this long is checked at the next start, however the last run ended. */
export const RECHECK_AFTER_MS = 7 * 24 * 3600 * 1000;

const healthStateSchema = z.object({
  /** False from start-up until a clean quit. */
  cleanShutdown: z.boolean(),
  /** When a check last finished (whatever it found); null when never. */
  lastCheckedAt: z.number().nullable(),
});
type HealthState = z.output<typeof healthStateSchema>;
/** No file (or an unreadable one) reads as null: nothing is known of the last run. */
const healthFileSchema = healthStateSchema.nullable();

/** Why a check is due at this start; null when it is not. */
export type CheckReason = 'unclean-shutdown' | 'overdue' | 'unknown' | null;

/** Whether the history must be checked at this start, from what the last run left. */
export function checkReason(state: HealthState | null, now: number): CheckReason {
  if (state === null) return 'unknown';
  if (!state.cleanShutdown) return 'unclean-shutdown';
  if (state.lastCheckedAt === null || now - state.lastCheckedAt >= RECHECK_AFTER_MS) return 'overdue';
  return null;
}

/**
 * The record of runs and checks (`history-health.json`). `begin` at start-up answers whether a
 * check is due and marks this run as running; `checked` records a finished check; `endCleanly` at
 * quit marks the run as ended cleanly, unless a due check never finished, so that it runs next time.
 */
export class HealthRecord {
  private readonly file: JsonFile<typeof healthFileSchema>;
  private state: HealthState = { cleanShutdown: false, lastCheckedAt: null };
  private due = false;

  constructor(
    directory: string,
    private readonly now: () => number,
  ) {
    this.file = new JsonFile(join(directory, HEALTH_STATE_FILE), healthFileSchema, () => null, now);
  }

  /** Reads how the last run ended, marks this one as running, and answers why a check is due (null: it is not). */
  begin(): CheckReason {
    const previous = this.file.read();
    const reason = checkReason(previous, this.now());
    this.due = reason !== null;
    this.state = { cleanShutdown: false, lastCheckedAt: previous?.lastCheckedAt ?? null };
    this.file.write(this.state);
    return reason;
  }

  /** A check finished (a damaged database found by it has been replaced by then). */
  checked(): void {
    this.due = false;
    this.state = { ...this.state, lastCheckedAt: this.now() };
    this.file.write(this.state);
  }

  /** The app quits cleanly. A check that was due and did not finish stays due. */
  endCleanly(): void {
    this.file.write({ ...this.state, cleanShutdown: !this.due });
  }
}

/** What a check found. `unknown` when it could not look (the disk, a lock): nothing is moved then. */
export type HealthReport =
  { status: 'healthy' } | { status: 'damaged'; problems: string[] } | { status: 'unknown'; detail: string };

/** Runs `PRAGMA quick_check` on an open connection. */
export function runQuickCheck(db: HistoryDatabase): HealthReport {
  try {
    const rows = db.prepare('PRAGMA quick_check').all() as Array<{ quick_check: string }>;
    if (rows.length === 1 && rows[0]?.quick_check === 'ok') return { status: 'healthy' };
    return { status: 'damaged', problems: rows.map((row) => row.quick_check) };
  } catch (error) {
    if (isCorruption(error)) return { status: 'damaged', problems: [String(error)] };
    return { status: 'unknown', detail: String(error) };
  }
}

/**
 * Checks the database file at `path` on a connection of its own that cannot write. It reads a
 * snapshot, so main goes on writing meanwhile (WAL); a lock it cannot get makes the answer `unknown`.
 */
export function checkHistoryFile(path: string, busyTimeoutMs = 30_000): HealthReport {
  let db: HistoryDatabase | null = null;
  try {
    db = new Database(path, { timeout: busyTimeoutMs });
    db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
    db.exec('PRAGMA query_only = ON');
    return runQuickCheck(db);
  } catch (error) {
    return isCorruption(error)
      ? { status: 'damaged', problems: [String(error)] }
      : { status: 'unknown', detail: String(error) };
  } finally {
    db?.close();
  }
}

/** What the health-check worker is started with. */
export interface HealthCheckWorkerData {
  path: string;
}

/** Starts the worker script; the app and the tests each say where it is. */
export type StartHealthCheckWorker = (data: HealthCheckWorkerData) => Worker;

/** Checks `path` in a worker thread. Never rejects: a worker that fails answers `unknown`. */
export function checkInWorker(start: StartHealthCheckWorker, path: string): Promise<HealthReport> {
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = start({ path });
    } catch (error) {
      resolve({ status: 'unknown', detail: `The check could not start: ${String(error)}` });
      return;
    }
    worker.once('message', (report: HealthReport) => resolve(report));
    worker.once('error', (error) => resolve({ status: 'unknown', detail: `The check failed: ${String(error)}` }));
    worker.once('exit', (code) => resolve({ status: 'unknown', detail: `The check stopped (${code}).` }));
  });
}
