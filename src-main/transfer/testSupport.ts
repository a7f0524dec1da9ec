/**
 * Helpers for the transfer tests: feed a file to the importer in small
 * chunks (so multi-byte characters and tokens are split across reads), export
 * into a string, and a digest of every row to prove a database unchanged.
 * Not used by the app.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ImportReport, StreamLog } from '../../src-preload/contract/types';
import type { HistoryDatabase } from '../history/database';
import type { TestStore } from '../history/testSupport';
import { exportHistory } from './exporter';
import { importExportFile, type ImportOptions } from './importer';
import type { TransferWorkerData } from './TransferRunner';

/** A small saved stream, as the inspector keeps one. */
export function sampleStreamLog(): StreamLog {
  return {
    request: {
      providerName: 'Mock',
      url: 'http://127.0.0.1/v1/chat/completions',
      model: 'm',
      parameters: {},
      messageCount: 1,
      body: '{}',
      headers: {},
    },
    response: { status: 200, headers: { 'content-type': 'text/event-stream' } },
    metrics: {},
    entries: [{ at: 5, type: 'event', event: 'message', id: '', data: '{"choices":[]}' }],
    truncated: false,
    keyEnvVar: 'MOCK_API_KEY',
  };
}

/** The bytes of `text` in chunks of `size` bytes, as a file stream would give them. */
export async function* chunksOf(text: string, size = 7): AsyncGenerator<Uint8Array> {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/** Imports `file` (text, or a value to serialize) into the store's database. */
export function importInto(
  store: TestStore,
  file: unknown,
  overrides: Partial<ImportOptions> = {},
): Promise<ImportReport> {
  const text = typeof file === 'string' ? file : JSON.stringify(file);
  let next = 0;
  return importExportFile({
    db: store.opened.db,
    source: chunksOf(text, 97),
    totalBytes: Buffer.byteLength(text),
    importId: 'test-import',
    now: store.clock.now,
    newId: () => `imported-${++next}`,
    isCancelled: () => false,
    // Small batches, so that tests cross many transactions.
    batchBytes: 256,
    ...overrides,
  });
}

/** What `importInto` threw, for tests of refused files. */
export async function importFailure(store: TestStore, file: unknown): Promise<{ code: string; message: string }> {
  try {
    await importInto(store, file);
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('The import did not fail');
}

/** Everything, or one conversation, exported as text. */
export async function exportText(
  store: TestStore,
  format: 'json' | 'markdown',
  conversationId: string | null = null,
): Promise<string> {
  let text = '';
  const result = await exportHistory({
    db: store.opened.db,
    conversationId,
    format,
    sink: { write: async (piece) => void (text += piece) },
    now: store.clock.now,
    isCancelled: () => false,
  });
  if (!result) throw new Error('The export was cancelled');
  return text;
}

const DIGESTED = [
  'SELECT * FROM conversations ORDER BY seq',
  'SELECT * FROM messages ORDER BY seq',
  'SELECT * FROM drafts ORDER BY key',
  'SELECT * FROM stream_logs ORDER BY message_id',
  'SELECT rowid FROM messages_fts ORDER BY rowid',
  'SELECT rowid FROM titles_fts ORDER BY rowid',
  'SELECT term, doc, cnt FROM messages_fts_terms ORDER BY term, doc',
];

/** A digest of every row of every table, the search index included. */
export function databaseDigest(db: HistoryDatabase): string {
  const hash = createHash('sha256');
  for (const query of DIGESTED) hash.update(JSON.stringify(db.prepare(query).raw(true).all()));
  return hash.digest('hex');
}

/**
 * Starts a worker from a TypeScript module, as the built app starts its
 * bundle. Node 20 does not pass `--import tsx` on to a worker's entry, so a
 * small bootstrap loads it through tsx's API.
 */
export function startTypeScriptWorker(script: URL, workerData: unknown): Worker {
  const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsx, 'dist', 'esm', 'api', 'index.mjs')).href;
  const bootstrap = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(script.href)}, ${JSON.stringify(script.href)}));`;
  return new Worker(bootstrap, { eval: true, workerData });
}

/** The real transfer worker, from its source. */
export function startTransferWorkerFromSource(workerData: TransferWorkerData): Worker {
  return startTypeScriptWorker(new URL('./transferWorker.ts', import.meta.url), workerData);
}
