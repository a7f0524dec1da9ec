/**
 * Prepares files in the image worker, one worker for the window, started on
 * first use. If the worker cannot start, files are prepared on the page
 * (asynchronous, but with long tasks for large photos).
 */
import type { PrepareAnswer, PrepareRequest } from './imageWorker';
import { prepareFile, type PreparedFile } from './prepareImage';

let worker: Worker | null | undefined;
let nextId = 1;
const waiting = new Map<number, { resolve: (file: PreparedFile) => void; reject: (error: Error) => void }>();

function startWorker(): Worker | null {
  try {
    const started = new Worker(new URL('./imageWorker.ts', import.meta.url), { type: 'module' });
    started.onmessage = (event: MessageEvent<PrepareAnswer>) => {
      const answer = event.data;
      const pending = waiting.get(answer.id);
      waiting.delete(answer.id);
      if (!pending) return;
      if (answer.ok) pending.resolve({ name: answer.name, bytes: answer.bytes, changed: answer.changed });
      else pending.reject(new Error(answer.message));
    };
    started.onerror = () => {
      // A worker that failed to load: everything waiting is prepared on the page instead.
      worker = null;
      for (const [id, pending] of waiting) {
        waiting.delete(id);
        pending.reject(new Error('worker-failed'));
      }
    };
    return started;
  } catch {
    return null;
  }
}

/** Prepares one file (see prepareImage.ts), off the main thread when it can. */
export async function prepareInWorker(file: Blob, name: string): Promise<PreparedFile> {
  if (worker === undefined) worker = startWorker();
  const current = worker;
  if (!current) return prepareFile(file, name);
  const id = nextId++;
  try {
    return await new Promise<PreparedFile>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      current.postMessage({ id, file, name } satisfies PrepareRequest);
    });
  } catch (error) {
    if ((error as Error).message === 'worker-failed') return prepareFile(file, name);
    throw error;
  }
}
