/**
 * The health-check worker's entry (a `worker_threads` Worker, bundled as its own
 * file): checks the history database on a connection of its own and posts what
 * it found, so that main's event loop keeps answering the window meanwhile.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkHistoryFile, type HealthCheckWorkerData } from './healthCheck';

const { path } = workerData as HealthCheckWorkerData;
parentPort?.postMessage(checkHistoryFile(path));
