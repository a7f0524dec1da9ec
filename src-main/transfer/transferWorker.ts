/**
 * The transfer worker's entry (a `worker_threads` Worker, bundled as its own
 * file): runs one job off the main thread and reports progress, then the
 * result or the error, as messages. Cancel is a flag in shared memory, so the
 * job sees it between two rows without waiting for a message.
 */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorShape } from '../common/AppError';
import { runTransferJob } from './transferJobs';
import { lockSharingDatabase, mainHasWritesWaiting, waitForMainWrites } from './writeGate';
import type { TransferWorkerData, TransferWorkerMessage } from './TransferRunner';

const { job, cancelFlag, writeGate } = workerData as TransferWorkerData;
const cancelled = new Int32Array(cancelFlag);
const post = (message: TransferWorkerMessage) => parentPort?.postMessage(message);

runTransferJob(job, {
  isCancelled: () => Atomics.load(cancelled, 0) !== 0,
  onProgress: (progress) => post({ type: 'progress', progress }),
  now: Date.now,
  newId: randomUUID,
  yieldToMain: () => waitForMainWrites(writeGate),
  mainIsWaiting: () => mainHasWritesWaiting(writeGate),
  wrapConnection: (db) => lockSharingDatabase(db, writeGate),
}).then(
  (result) => post({ type: 'done', result }),
  (error: unknown) => post({ type: 'failed', error: toErrorShape(error), detail: String(error) }),
);
