/**
 * The jobs the transfer worker runs, as plain functions of plain data so
 * that the worker file is a thin shell and tests run the same code without a
 * thread: import a file, export to a file, sweep what a crashed import left.
 * Each opens its own connection to the history database and closes it.
 */
import { closeSync, createReadStream, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ATTACHMENT_LIMITS } from '../../src-preload/contract/types';
import type { ExportFormat, ImportReport, TransferProgress } from '../../src-preload/contract/types';
import { openAtomicFileWriter } from '../common/writeFileAtomically';
import { connectToHistoryDatabase, type HistoryDatabase } from '../history/database';
import { AppError } from '../common/AppError';
import { BlobStore } from '../attachments/BlobStore';
import { extractPdfText } from '../attachments/pdfText';
import { exportHistory } from './exporter';
import { importExportFile } from './importer';
import type { ImportedFileSource } from './importModel';
import { discardUnfinishedImports } from './stagedImport';
import { looksLikeZip, ZipExport } from './zipExport';

/**
 * The bytes of a file an import names: base64 in the entry, a file in the
 * folder beside the export (only inside that folder: a path that climbs out of
 * it, or an absolute one, is refused), or an image in ChatGPT's zip.
 */
async function readImportedFile(
  source: ImportedFileSource,
  exportPath: string,
  zip: ZipExport | null,
): Promise<Uint8Array | null> {
  switch (source.kind) {
    case 'data': {
      const bytes = Buffer.from(source.base64, 'base64');
      return bytes.byteLength > 0 && bytes.byteLength <= ATTACHMENT_LIMITS.fileBytes ? new Uint8Array(bytes) : null;
    }
    case 'file': {
      const base = dirname(exportPath);
      const path = resolve(base, source.path);
      const inside = relative(base, path);
      if (isAbsolute(source.path) || inside.startsWith('..') || isAbsolute(inside)) return null;
      try {
        if (statSync(path).size > ATTACHMENT_LIMITS.fileBytes) return null;
        return new Uint8Array(readFileSync(path));
      } catch {
        return null;
      }
    }
    case 'asset':
      return zip ? zip.asset(source.id) : null;
  }
}

/** A job, as sent to the worker. */
export type TransferJob =
  | { kind: 'import'; databasePath: string; filePath: string; importId: string; attachmentsDir?: string }
  | {
      kind: 'export';
      databasePath: string;
      filePath: string;
      conversationId: string | null;
      format: ExportFormat;
      /** The content-addressed attachment folder; without it attachments are described, not written. */
      attachmentsDir?: string;
      /** JSON: attachments embedded as base64 (the default) or in a folder beside the file. Markdown: always the folder. */
      attachments?: 'embed' | 'folder';
    }
  | { kind: 'sweep'; databasePath: string };

/** What each kind of job answers: an import's report; the conversations an export wrote (null if cancelled); how many a sweep removed. */
export interface TransferResults {
  import: ImportReport;
  export: { conversations: number } | null;
  sweep: number;
}

/** What a job is told by whoever runs it. */
export interface JobControl {
  isCancelled(): boolean;
  onProgress(progress: TransferProgress): void;
  now(): number;
  newId(): string;
  /** Waits while main has a write waiting for the lock; called before each write transaction. */
  yieldToMain(): void;
  /** True while main has a write waiting for the lock: a write transaction in progress then ends early. */
  mainIsWaiting?(): boolean;
  /** Wraps the job's connection to the history (the worker's tells main when it holds the write lock). */
  wrapConnection?(db: HistoryDatabase): HistoryDatabase;
}

/** Runs one job to its end; throws `import_invalid`, `storage` or `missing` errors. */
export async function runTransferJob<J extends TransferJob>(
  job: J,
  control: JobControl,
): Promise<TransferResults[J['kind']]> {
  const db = connectToHistoryDatabase(job.databasePath);
  try {
    return (await runOn(control.wrapConnection?.(db) ?? db, job, control)) as TransferResults[J['kind']];
  } finally {
    db.close();
  }
}

async function runOn(
  db: HistoryDatabase,
  job: TransferJob,
  control: JobControl,
): Promise<TransferResults[TransferJob['kind']]> {
  switch (job.kind) {
    case 'sweep':
      return discardUnfinishedImports(db, control.yieldToMain);
    case 'import': {
      let size: number;
      let head: Buffer;
      try {
        size = statSync(job.filePath).size;
        head = Buffer.alloc(4);
        const fd = openSync(job.filePath, 'r');
        try {
          readSync(fd, head, 0, 4, 0);
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        throw new AppError('import_invalid', `Could not read that file: ${(error as Error).message}`, {
          reason: 'unreadable_file',
        });
      }
      // ChatGPT's export as it comes: a zip holding conversations.json and the files its messages point to.
      const zip = looksLikeZip(head) ? await ZipExport.open(job.filePath) : null;
      try {
        const source = zip
          ? await zip.stream(zip.conversations)
          : createReadStream(job.filePath, { highWaterMark: 64 * 1024 });
        // Rows are hidden until published, and the publish commits with the usual full sync: the
        // batches before it need not wait for the disk one by one.
        db.exec('PRAGMA synchronous = NORMAL');
        return await importExportFile({
          db,
          source,
          totalBytes: zip ? zip.conversations.uncompressedSize : size,
          importId: job.importId,
          now: control.now,
          newId: control.newId,
          isCancelled: control.isCancelled,
          onProgress: control.onProgress,
          beforePublish: () => db.exec('PRAGMA synchronous = FULL'),
          beforeWrite: control.yieldToMain,
          ...(control.mainIsWaiting ? { mainIsWaiting: control.mainIsWaiting } : {}),
          ...(job.attachmentsDir
            ? {
                blobs: new BlobStore(job.attachmentsDir),
                readFile: (fileSource: ImportedFileSource) => readImportedFile(fileSource, job.filePath, zip),
                // Already off main's event loop: this is the transfer worker.
                readPdf: extractPdfText,
              }
            : {}),
        });
      } finally {
        zip?.close();
      }
    }
    case 'export': {
      let writer;
      try {
        writer = await openAtomicFileWriter(job.filePath);
      } catch (error) {
        throw new AppError('storage', `Could not write the export: ${(error as Error).message}`);
      }
      try {
        const result = await exportHistory({
          db,
          conversationId: job.conversationId,
          format: job.format,
          sink: writer,
          now: control.now,
          isCancelled: control.isCancelled,
          onProgress: control.onProgress,
          ...(job.attachmentsDir
            ? {
                attachments: {
                  mode: job.format === 'markdown' ? 'folder' : (job.attachments ?? 'embed'),
                  blobs: new BlobStore(job.attachmentsDir),
                  exportPath: job.filePath,
                },
              }
            : {}),
        });
        if (result) await writer.commit();
        else await writer.abort();
        return result;
      } catch (error) {
        await writer.abort();
        if (error instanceof Error && 'code' in error && typeof error.code === 'string' && error.code.startsWith('E')) {
          throw new AppError('storage', `Could not write the export: ${error.message}`);
        }
        throw error;
      }
    }
  }
}
