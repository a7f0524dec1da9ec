/**
 * The jobs the transfer worker runs, as plain functions of plain data so
 * that the worker file is a thin shell and tests run the same code without a
 * thread: import a file, export to a file, sweep what a crashed import left.
 * Each opens its own connection to the history database and closes it.
 */
import { createReadStream, statSync } from 'node:fs';
import type { ExportFormat, ImportReport, TransferProgress } from '../../src-preload/contract/types';
import { openAtomicFileWriter } from '../common/writeFileAtomically';
import { connectToHistoryDatabase } from '../history/database';
import { AppError } from '../common/AppError';
import { exportHistory } from './exporter';
import { importExportFile } from './importer';
import { discardUnfinishedImports } from './stagedImport';

/** A job, as sent to the worker. */
export type TransferJob =
  | { kind: 'import'; databasePath: string; filePath: string; importId: string }
  | { kind: 'export'; databasePath: string; filePath: string; conversationId: string | null; format: ExportFormat }
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
}

/** Runs one job to its end; throws `import_invalid`, `storage` or `missing` errors. */
export async function runTransferJob<J extends TransferJob>(
  job: J,
  control: JobControl,
): Promise<TransferResults[J['kind']]> {
  const db = connectToHistoryDatabase(job.databasePath);
  try {
    return (await runOn(db, job, control)) as TransferResults[J['kind']];
  } finally {
    db.close();
  }
}

async function runOn(
  db: ReturnType<typeof connectToHistoryDatabase>,
  job: TransferJob,
  control: JobControl,
): Promise<TransferResults[TransferJob['kind']]> {
  switch (job.kind) {
    case 'sweep':
      return discardUnfinishedImports(db, control.yieldToMain);
    case 'import': {
      let size: number;
      try {
        size = statSync(job.filePath).size;
      } catch (error) {
        throw new AppError('import_invalid', `Could not read that file: ${(error as Error).message}`, {
          reason: 'unreadable_file',
        });
      }
      // Rows are hidden until published, and the publish commits with the usual full sync: the
      // batches before it need not wait for the disk one by one.
      db.exec('PRAGMA synchronous = NORMAL');
      return importExportFile({
        db,
        source: createReadStream(job.filePath, { highWaterMark: 64 * 1024 }),
        totalBytes: size,
        importId: job.importId,
        now: control.now,
        newId: control.newId,
        isCancelled: control.isCancelled,
        onProgress: control.onProgress,
        beforePublish: () => db.exec('PRAGMA synchronous = FULL'),
        beforeWrite: control.yieldToMain,
      });
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
