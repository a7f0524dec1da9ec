/**
 * The image worker: prepares pasted, dropped or picked files off the page's
 * main thread (decoding, scaling and encoding a 12-megapixel photo takes
 * hundreds of milliseconds of work that would otherwise freeze typing).
 */
import { prepareFile } from './prepareImage';

/** A request to the worker. */
export interface PrepareRequest {
  id: number;
  file: Blob;
  name: string;
}

/** The worker's answer. */
export type PrepareAnswer =
  | { id: number; ok: true; name: string; bytes: Uint8Array<ArrayBuffer>; changed: boolean }
  | { id: number; ok: false; message: string };

self.onmessage = async (event: MessageEvent<PrepareRequest>) => {
  const { id, file, name } = event.data;
  try {
    const prepared = await prepareFile(file, name);
    const answer: PrepareAnswer = { id, ok: true, ...prepared };
    (self as unknown as Worker).postMessage(answer, [prepared.bytes.buffer]);
  } catch (error) {
    const answer: PrepareAnswer = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
    (self as unknown as Worker).postMessage(answer);
  }
};
