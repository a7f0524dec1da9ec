/**
 * Reads a PDF's text in a worker thread (out/main/attachmentWorker.js), so that
 * pdf.js never holds main's event loop; a worker that does not answer in time
 * is stopped and the file refused.
 */
import type { Worker } from 'node:worker_threads';
import type { AttachmentWorkerMessage } from './attachmentWorker';
import type { PdfText } from './pdfText';

/** How long one PDF may take before it is given up. */
export const PDF_READ_TIMEOUT_MS = 60_000;

/** Returns `readPdf` for the AttachmentService, starting one worker per file with `startWorker`. */
export function pdfReaderInWorker(
  startWorker: (workerData: { bytes: Uint8Array }) => Worker,
  timeoutMs = PDF_READ_TIMEOUT_MS,
): (bytes: Uint8Array) => Promise<PdfText> {
  return (bytes) =>
    new Promise<PdfText>((resolve, reject) => {
      const worker = startWorker({ bytes });
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        outcome();
      };
      const timer = setTimeout(() => finish(() => reject(new Error('Reading the PDF took too long.'))), timeoutMs);
      worker.once('message', (message: AttachmentWorkerMessage) =>
        finish(() =>
          message.ok ? resolve({ pages: message.pages, text: message.text }) : reject(new Error(message.message)),
        ),
      );
      worker.once('error', (error) => finish(() => reject(error)));
      worker.once('exit', (code) => finish(() => reject(new Error(`The PDF reader stopped (${code}).`))));
    });
}
