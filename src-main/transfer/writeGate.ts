/**
 * Lets main's writes go first while a worker writes to the same database.
 * SQLite's write lock is not a queue: a connection that finds it taken sleeps
 * and tries again, and a worker that commits and begins its next transaction
 * at once can keep main out for seconds (main's busy timeout then fails a
 * reply's flush). So main counts, in shared memory, the writes it is about to
 * make; the worker begins a transaction only when that count is zero. Main
 * then waits at most for the transaction in progress, a few milliseconds.
 */
import type { HistoryDatabase } from '../history/database';

/** Main's side of the gate: one per process, shared with every transfer worker. */
export class WriteGate {
  /** One Int32: how many of main's writes are waiting or running. Given to workers. */
  readonly shared = new SharedArrayBuffer(4);
  private readonly waiting = new Int32Array(this.shared);

  /** Runs one of main's writes with the gate closed to workers. */
  write<T>(work: () => T): T {
    Atomics.add(this.waiting, 0, 1);
    try {
      return work();
    } finally {
      if (Atomics.sub(this.waiting, 0, 1) === 1) Atomics.notify(this.waiting, 0);
    }
  }
}

/**
 * The worker's side: returns once main has no write waiting (or after
 * `maxWaitMs`, so that a stuck count can slow a transfer but never stop it).
 */
export function waitForMainWrites(shared: SharedArrayBuffer, maxWaitMs = 2_000): void {
  const waiting = new Int32Array(shared);
  const deadline = performance.now() + maxWaitMs;
  for (let count = Atomics.load(waiting, 0); count !== 0; count = Atomics.load(waiting, 0)) {
    const left = deadline - performance.now();
    if (left <= 0) return;
    Atomics.wait(waiting, 0, count, Math.min(left, 50));
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
