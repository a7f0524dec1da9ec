/**
 * Lets main's writes go first while a worker writes to the same database.
 * SQLite's write lock is not a queue: a connection that finds it taken sleeps
 * and tries again, and a worker that commits and begins its next transaction
 * at once can keep main out for seconds (main's busy timeout then fails a
 * reply's flush). So main counts, in shared memory, the writes it is about to
 * make; the worker begins a transaction only when that count is zero, and
 * ends the transaction in progress at the next row when it sees the count
 * rise. Main then waits for one row and a commit. It waits on the worker's
 * "holding the lock" flag rather than in SQLite's busy handler, whose sleeps
 * grow (1, 2, 5, 10, 15… ms) and so would keep main waiting up to twice as
 * long as the lock is held: main is woken at the worker's commit.
 */
import type { HistoryDatabase } from '../history/database';

/** In the shared Int32s: how many of main's writes are waiting or running. */
const MAIN_WRITES = 0;
/** In the shared Int32s: 1 while a worker holds the write lock (is inside a transaction). */
const WORKER_HOLDS_LOCK = 1;
/**
 * The longest main waits on the flag before leaving it to SQLite's busy handler: the worker ends
 * its transaction within a row, so this is reached only if the flag was left behind.
 */
const MAX_HANDOVER_WAIT_MS = 200;

/** `Atomics.waitAsync` (Node 16 and later), which the TypeScript library this project targets does not declare yet. */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(
      array: Int32Array,
      index: number,
      value: number,
      timeoutMs: number,
    ): { async: boolean; value: Promise<string> | string };
  }
).waitAsync;

/** Main's side of the gate: one per process, shared with every transfer worker. */
export class WriteGate {
  /** Two Int32s: main's writes waiting or running, and whether a worker holds the lock. Given to workers. */
  readonly shared = new SharedArrayBuffer(8);
  private readonly waiting = new Int32Array(this.shared);

  /** Runs one of main's writes with the gate closed to workers, once a worker holding the lock has let it go. */
  write<T>(work: () => T): T {
    Atomics.add(this.waiting, MAIN_WRITES, 1);
    try {
      if (Atomics.load(this.waiting, WORKER_HOLDS_LOCK) === 1) waitWhileWorkerHoldsLock(this.waiting);
      return work();
    } finally {
      if (Atomics.sub(this.waiting, MAIN_WRITES, 1) === 1) Atomics.notify(this.waiting, MAIN_WRITES);
    }
  }

  /**
   * Runs `work` (a write) now when no worker holds the lock. Otherwise asks the worker to let the
   * lock go (it does at its next row) and runs `work` once it has, leaving main's event loop free
   * in between, instead of blocking it as `write` does.
   */
  writeWhenFree(work: () => void): Promise<void> | void {
    if (Atomics.load(this.waiting, WORKER_HOLDS_LOCK) !== 1) {
      this.write(work);
      return;
    }
    Atomics.add(this.waiting, MAIN_WRITES, 1);
    const release = () => {
      if (Atomics.sub(this.waiting, MAIN_WRITES, 1) === 1) Atomics.notify(this.waiting, MAIN_WRITES);
    };
    const { value } = waitAsync(this.waiting, WORKER_HOLDS_LOCK, 1, MAX_HANDOVER_WAIT_MS);
    const run = () => {
      try {
        this.write(work);
      } finally {
        release();
      }
    };
    if (typeof value === 'string') return run();
    return value.then(run);
  }

  /** Clears the worker's flag, for a worker that ended (or crashed) inside a transaction. */
  workerEnded(): void {
    Atomics.store(this.waiting, WORKER_HOLDS_LOCK, 0);
  }
}

function waitWhileWorkerHoldsLock(shared: Int32Array): void {
  try {
    Atomics.wait(shared, WORKER_HOLDS_LOCK, 1, MAX_HANDOVER_WAIT_MS);
  } catch {
    // A thread that may not block (a browser page) leaves the wait to SQLite's busy handler.
  }
}

/** The worker's side: true while main has a write waiting or running. */
export function mainHasWritesWaiting(shared: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(shared), MAIN_WRITES) !== 0;
}

/**
 * The worker's connection, telling main through `shared` whether it holds the write lock: set
 * once a `BEGIN IMMEDIATE` (or `EXCLUSIVE`) has taken it, cleared (and main woken) when the
 * transaction has ended. A plain `BEGIN` (an export's read snapshot) takes no write lock under WAL,
 * so main's writes must not wait for it.
 */
export function lockSharingDatabase(db: HistoryDatabase, shared: SharedArrayBuffer): HistoryDatabase {
  const flags = new Int32Array(shared);
  let writeTransaction = false;
  return new Proxy(db, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'exec') return value;
      return (sql: string) => {
        try {
          if (/^\s*BEGIN\s+(IMMEDIATE|EXCLUSIVE)\b/i.test(sql)) writeTransaction = true;
          return target.exec(sql);
        } finally {
          if (!target.inTransaction) writeTransaction = false;
          const holds = writeTransaction ? 1 : 0;
          if (Atomics.exchange(flags, WORKER_HOLDS_LOCK, holds) === 1 && holds === 0) {
            Atomics.notify(flags, WORKER_HOLDS_LOCK);
          }
        }
      };
    },
  });
}

/**
 * The worker's side: returns once main has no write waiting (or after
 * `maxWaitMs`, so that a stuck count can slow a transfer but never stop it).
 */
export function waitForMainWrites(shared: SharedArrayBuffer, maxWaitMs = 2_000): void {
  const waiting = new Int32Array(shared);
  const deadline = performance.now() + maxWaitMs;
  for (let count = Atomics.load(waiting, MAIN_WRITES); count !== 0; count = Atomics.load(waiting, MAIN_WRITES)) {
    const left = deadline - performance.now();
    if (left <= 0) return;
    Atomics.wait(waiting, MAIN_WRITES, count, Math.min(left, 50));
  }
}

const WRITES = new Set(['run']);

/**
 * Main's connection with every write passing through `gate`: `exec` (which
 * BEGIN and COMMIT use too) and the `run` of every prepared statement. Reads
 * (`get`, `all`, `iterate`) never wait for a writer in WAL mode and pass as they are.
 */
export function gatedDatabase(db: HistoryDatabase, gate: WriteGate): HistoryDatabase {
  return new Proxy(db, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property === 'exec') return (sql: string) => gate.write(() => target.exec(sql));
      if (property !== 'prepare') return value;
      return (sql: string) => {
        const statement = target.prepare(sql);
        return new Proxy(statement, {
          get(inner, name, innerReceiver) {
            const member: unknown = Reflect.get(inner, name, innerReceiver);
            if (typeof name !== 'string' || !WRITES.has(name) || typeof member !== 'function') return member;
            return (...parameters: unknown[]) =>
              gate.write(() => (member as (...p: unknown[]) => unknown).apply(inner, parameters));
          },
        });
      };
    },
  });
}
