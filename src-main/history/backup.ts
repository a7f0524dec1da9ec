/**
 * "Back up now": a copy of the whole history in one SQLite file, taken while Nagare runs.
 *
 * libsql's `db.backup()` (better-sqlite3's online backup) throws "not implemented", so the copy
 * is made with `VACUUM INTO`, which reads the database in one read transaction: the copy is a
 * consistent snapshot, with whatever is still in the write-ahead log, while writes go on. It is
 * written beside the target, flushed to disk (SQLite does not sync a VACUUM INTO file), then
 * renamed over the target, so an interrupted backup never leaves half a file under the chosen name.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HistoryDatabase } from './database';
import { HistoryError } from './errors';

/** A file name for the save dialog: `Nagare backup 2025-01-31.db`. */
export function backupFileName(time: number): string {
  return `Nagare backup ${new Date(time).toISOString().slice(0, 10)}.db`;
}

/** Writes a consistent copy of `db` to `target`, replacing a file the user chose to overwrite. */
export function backUpHistory(db: HistoryDatabase, target: string): void {
  const temporary = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.partial`);
  try {
    fs.rmSync(temporary, { force: true });
    db.prepare('VACUUM INTO ?').run(temporary);
    const handle = fs.openSync(temporary, 'r+');
    try {
      fs.fsyncSync(handle);
    } finally {
      fs.closeSync(handle);
    }
    fs.renameSync(temporary, target);
  } catch (error) {
    fs.rmSync(temporary, { force: true });
    throw new HistoryError('storage', `The backup could not be written: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
