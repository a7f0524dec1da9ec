/**
 * A test worker that writes to a database in back-to-back short transactions,
 * the pattern that starves another connection of SQLite's write lock, until
 * told to stop. With `useGate` it waits for main's writes before each one, as
 * the transfer worker does. Not used by the app.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'libsql';
import { waitForMainWrites } from '../writeGate';

const { file, stop, gate, useGate } = workerData as {
  file: string;
  stop: SharedArrayBuffer;
  gate: SharedArrayBuffer;
  useGate: boolean;
};
const stopped = new Int32Array(stop);
const db = new Database(file, { timeout: 10_000 });
const insert = db.prepare('INSERT INTO busy (x) VALUES (?)');
let transactions = 0;
while (Atomics.load(stopped, 0) === 0) {
  if (useGate) waitForMainWrites(gate);
  db.exec('BEGIN IMMEDIATE');
  const started = performance.now();
  while (performance.now() - started < 5) insert.run(transactions);
  db.exec('COMMIT');
  transactions++;
  if (transactions === 1) parentPort?.postMessage('writing');
}
db.close();
parentPort?.postMessage(transactions);
