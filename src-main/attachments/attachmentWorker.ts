/**
 * The attachment worker's entry (a `worker_threads` Worker, bundled as its own
 * file, out/main/attachmentWorker.js): reads the text of one PDF off main's
 * event loop, where pdf.js would otherwise hold it for as long as a large file
 * takes, and posts the result or the error.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { extractPdfText } from './pdfText';

/** What the worker answers. */
export type AttachmentWorkerMessage = { ok: true; pages: number; text: string } | { ok: false; message: string };

const { bytes } = workerData as { bytes: Uint8Array };
extractPdfText(bytes).then(
  (result) => parentPort?.postMessage({ ok: true, ...result } satisfies AttachmentWorkerMessage),
  (error: unknown) =>
    parentPort?.postMessage({
      ok: false,
      message: error instanceof Error ? error.message : String(error),
    } satisfies AttachmentWorkerMessage),
);
