import { once } from 'node:events';
import { join } from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../history/testSupport';
import { startTypeScriptWorker } from './testSupport';
import { gatedDatabase, lockSharingDatabase, mainHasWritesWaiting, waitForMainWrites, WriteGate } from './writeGate';

afterEach(removeTempDirs);

/** Counts what passes through the gate. */
class CountingGate extends WriteGate {
  passed = 0;
  override write<T>(work: () => T): T {
    this.passed++;
    return super.write(work);
  }
}

function openDatabase(file: string, busyTimeoutMs: number) {
  const db = new Database(file, { timeout: busyTimeoutMs });
  db.exec('PRAGMA journal_mode = WAL');
  db.exec(`PRAGMA busy_timeout = ${busyTimeoutMs}`);
  return db;
}

describe('gatedDatabase', () => {
  it('sends exec and every statement run through the gate, and reads past it', () => {
    const gate = new CountingGate();
    const db = gatedDatabase(openDatabase(join(makeTempDir(), 'g.db'), 1_000), gate);
    db.exec('CREATE TABLE t (x)');
    expect(gate.passed).toBe(1);
    db.prepare('INSERT INTO t (x) VALUES (?)').run(1);
    expect(gate.passed).toBe(2);
    expect(db.prepare('SELECT count(*) AS n FROM t').get()).toMatchObject({ n: 1 });
    expect(gate.passed).toBe(2);
    db.transaction(() => db.prepare('INSERT INTO t (x) VALUES (?)').run(2)).immediate();
    // BEGIN IMMEDIATE, the insert, COMMIT.
    expect(gate.passed).toBe(5);
    expect(new Int32Array(gate.shared)[0]).toBe(0);
    db.close();
  });

  it('counts a write while it runs, and a worker’s wait returns once it is done', () => {
    const gate = new WriteGate();
    const waiting = new Int32Array(gate.shared);
    gate.write(() => {
      expect(waiting[0]).toBe(1);
      // A stuck count slows the worker down, never stops it.
      waitForMainWrites(gate.shared, 20);
    });
    expect(waiting[0]).toBe(0);
    waitForMainWrites(gate.shared);
  });
});

describe('the worker’s side of the gate', () => {
  it('tells main while its connection holds the write lock, and lets a stale flag go when the worker ends', () => {
    const gate = new WriteGate();
    const flags = new Int32Array(gate.shared);
    const db = lockSharingDatabase(openDatabase(join(makeTempDir(), 'w.db'), 1_000), gate.shared);
    db.exec('CREATE TABLE t (x)');
    expect(flags[1]).toBe(0);
    db.exec('BEGIN IMMEDIATE');
    expect(flags[1]).toBe(1);
    db.prepare('INSERT INTO t (x) VALUES (1)').run();
    expect(flags[1]).toBe(1);
    db.exec('COMMIT');
    expect(flags[1]).toBe(0);
    db.exec('BEGIN IMMEDIATE');
    expect(() => db.exec('INSERT INTO nowhere VALUES (1)')).toThrow();
    db.exec('ROLLBACK');
    expect(flags[1]).toBe(0);
    // A read snapshot (an export) holds no write lock: main's writes go on.
    db.exec('BEGIN');
    db.prepare('SELECT count(*) FROM t').get();
    expect(flags[1]).toBe(0);
    db.exec('COMMIT');
    db.exec('BEGIN IMMEDIATE');
    // A worker that ended inside a transaction: main clears the flag instead of waiting on it.
    gate.workerEnded();
    expect(flags[1]).toBe(0);
    expect(gate.write(() => mainHasWritesWaiting(gate.shared))).toBe(true);
    expect(mainHasWritesWaiting(gate.shared)).toBe(false);
    db.close();
  });
});

describe('a write main can put off', () => {
  it('runs at once when no worker holds the lock, else after the worker lets it go, with main free meanwhile', async () => {
    const gate = new WriteGate();
    const worker = lockSharingDatabase(openDatabase(join(makeTempDir(), 'w.db'), 1_000), gate.shared);
    worker.exec('CREATE TABLE t (x)');
    const order: string[] = [];
    expect(gate.writeWhenFree(() => order.push('now'))).toBeUndefined();
    expect(order).toEqual(['now']);

    worker.exec('BEGIN IMMEDIATE');
    const waiting = gate.writeWhenFree(() => order.push('after the commit'));
    expect(waiting).toBeInstanceOf(Promise);
    // The worker sees main waiting (and ends its transaction at its next row).
    expect(mainHasWritesWaiting(gate.shared)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(['now']);
    worker.exec('COMMIT');
    await waiting;
    expect(order).toEqual(['now', 'after the commit']);
    expect(mainHasWritesWaiting(gate.shared)).toBe(false);
    worker.close();
  });
});

describe('main’s writes while a worker writes back to back', () => {
  async function mainWritesDuring(useGate: boolean): Promise<{ failures: string[]; writes: number }> {
    const file = join(makeTempDir(), 'busy.db');
    const raw = openDatabase(file, 300);
    raw.exec('CREATE TABLE busy (x)');
    const gate = new WriteGate();
    const db = gatedDatabase(raw, gate);
    const stop = new SharedArrayBuffer(4);
    const worker = startTypeScriptWorker(new URL('./testing/busyWriter.worker.ts', import.meta.url), {
      file,
      stop,
      gate: gate.shared,
      useGate,
    });
    await once(worker, 'message');
    const failures: string[] = [];
    let writes = 0;
    for (let attempt = 0; attempt < 15; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      try {
        db.prepare('INSERT INTO busy (x) VALUES (-1)').run();
        writes++;
      } catch (error) {
        failures.push((error as { code?: string }).code ?? String(error));
        break;
      }
    }
    Atomics.store(new Int32Array(stop), 0, 1);
    await once(worker, 'exit');
    raw.close();
    return { failures, writes };
  }

  it('are starved of the lock without the gate, and all get through with it', async () => {
    const without = await mainWritesDuring(false);
    expect(without.failures).toContain('SQLITE_BUSY');
    const withGate = await mainWritesDuring(true);
    expect(withGate).toEqual({ failures: [], writes: 15 });
  }, 30_000);
});
