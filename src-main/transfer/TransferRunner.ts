/**
 * Runs transfer jobs in a worker thread, so that main's event loop keeps
 * answering windows while a large file is read, parsed and written. One job
 * per worker; the worker ends with its job. Main only relays progress and
 * holds the cancel flag.
 */
import type { Worker } from 'node:worker_threads';
import type { NagareErrorShape, TransferProgress } from '../../src-preload/contract';
import { AppError } from '../common/AppError';
import type { TransferJob, TransferResults } from './transferJobs';
import type { WriteGate } from './writeGate';

/** What a transfer worker is started with. */
export interface TransferWorkerData {
  job: TransferJob;
  /** One Int32: non-zero means cancel. */
  cancelFlag: SharedArrayBuffer;
  /** Main's write gate (see writeGate.ts). */
  writeGate: SharedArrayBuffer;
}

/** What a transfer worker says. */
export type TransferWorkerMessage =
  | { type: 'progress'; progress: TransferProgress }
  | { type: 'done'; result: TransferResults[TransferJob['kind']] }
  /** `detail` is for the log only: it may hold paths. */
  | { type: 'failed'; error: NagareErrorShape; detail: string };

/** Starts the worker script with the given data; the app and the tests each say where the script is. */
export type StartTransferWorker = (data: TransferWorkerData) => Worker;

/** A job that is running: its outcome, and a way to stop it. */
export interface RunningTransfer<R> {
  result: Promise<R>;
  cancel(): void;
}

/** Starts jobs in worker threads; see the module comment. */
export class TransferRunner {
  constructor(
    private readonly startWorker: StartTransferWorker,
    /** The gate main's history connection writes through, so the worker lets those writes go first. */
    private readonly writeGate: WriteGate,
    private readonly log: (message: string, fields: Record<string, unknown>) => void = () => {},
  ) {}

  run<J extends TransferJob>(
    job: J,
    onProgress: (progress: TransferProgress) => void = () => {},
  ): RunningTransfer<TransferResults[J['kind']]> {
    const cancelFlag = new SharedArrayBuffer(4);
    const worker = this.startWorker({ job, cancelFlag, writeGate: this.writeGate.shared });
    const result = new Promise<TransferResults[J['kind']]>((resolve, reject) => {
      let settled = false;
      worker.on('message', (message: TransferWorkerMessage) => {
        if (message.type === 'progress') return onProgress(message.progress);
        settled = true;
        if (message.type === 'done') resolve(message.result as TransferResults[J['kind']]);
        else {
          this.log('A transfer failed', { kind: job.kind, code: message.error.code, detail: message.detail });
          reject(new AppError(message.error.code, message.error.message, message.error));
        }
      });
      worker.on('error', (error) => {
        this.log('The transfer worker crashed', { kind: job.kind, error });
        settled = true;
        reject(new AppError('internal', 'The import or export stopped unexpectedly. Nothing was changed.'));
      });
      worker.on('exit', (code) => {
        this.writeGate.workerEnded();
        if (!settled) reject(new AppError('internal', `The import or export stopped unexpectedly (${code}).`));
      });
    });
    return { result, cancel: () => Atomics.store(new Int32Array(cancelFlag), 0, 1) };
  }
}
