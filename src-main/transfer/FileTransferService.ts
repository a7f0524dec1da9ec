/**
 * Everything that moves files in or out: exporting the history, importing an
 * export, saving and opening a raw stream (`.sse`). It asks the user for a
 * path through the `FileDialogs` port (Electron's dialogs in the app, a double
 * in tests) and never imports Electron. Imports and exports run in a worker
 * thread, one at a time, with progress pushed to the window that asked.
 */
import { readFileSync } from 'node:fs';
import type { ExportFormat, ImportReport, StreamLog, TransferProgress } from '../../src-preload/contract/types';
import { writeFileAtomically } from '../common/writeFileAtomically';
import { backupFileName } from '../history/backup';
import { parseSseFile, serializeSseFile } from '../inspector/sseFile';
import { AppError } from '../common/AppError';
import type { RunningTransfer, TransferRunner } from './TransferRunner';
import { DIALOG_TEXT, type DialogLanguage, type DialogText } from './dialogText';

/** Which window asked: progress goes back to it. */
export interface TransferCaller {
  windowId: number;
}

/** A file-type choice in a dialog. */
export interface FileDialogFilter {
  name: string;
  extensions: string[];
}

/** The port: the desktop's file dialogs. Each answers null when the user cancels. */
export interface FileDialogs {
  chooseSavePath(options: { title: string; defaultName: string; filters: FileDialogFilter[] }): Promise<string | null>;
  chooseOpenPath(options: { title: string; filters: FileDialogFilter[] }): Promise<string | null>;
}

/** What the service needs from the rest of main. */
export interface FileTransferDependencies {
  dialogs: FileDialogs;
  runner: Pick<TransferRunner, 'run'>;
  /** The content-addressed attachment folder, read by exports and filled by imports; absent in tests without files. */
  attachmentsDir?: string;
  /** The history database file; throws a storage error when start-up could not open it. */
  databasePath(): string;
  /** Writes a consistent copy of the open history to `path`; throws a storage error without a database. */
  backUp(path: string): void;
  /** The title of a conversation, for the export's file name; throws `missing` when it is gone. */
  conversationTitle(conversationId: string): string;
  /** The raw stream of a reply, live or saved; null when it has none. */
  streamLog(messageId: string): StreamLog | null;
  /** Pushes progress to the window that started the transfer. */
  sendProgress(windowId: number, progress: TransferProgress): void;
  /** Tells every window that conversations were added. */
  onImported(): void;
  /** Told when removing a crashed import's hidden rows failed (they are tried again at the next start). */
  onSweepFailed?(error: unknown): void;
  /**
   * Turns main's own WAL checkpoints off (false) while a worker writes, and
   * back on. A checkpoint copies pages and syncs the database file; left to
   * the worker's connection, it never stalls main.
   */
  setMainCheckpoints?(on: boolean): void;
  newId(): string;
  /** The UI language, for the dialogs' titles; English when not given. */
  language?(): DialogLanguage;
}

function exportFilter(format: ExportFormat, text: DialogText): FileDialogFilter {
  return format === 'markdown'
    ? { name: text.markdownFiles, extensions: ['md'] }
    : { name: text.nagareJsonFiles, extensions: ['json'] };
}

/** A file name from a title: characters no file system accepts, and control characters, become spaces. */
export function exportFileName(format: ExportFormat, title: string | null): string {
  const safe = [...(title ?? 'Nagare conversations')].map((char) =>
    char < ' ' || '\\/:*?"<>|'.includes(char) ? ' ' : char,
  );
  const base = safe.join('').replace(/\s+/g, ' ').trim().slice(0, 80) || 'conversation';
  return `${base}.${format === 'markdown' ? 'md' : 'json'}`;
}

/** File transfer; see the module comment. */
export class FileTransferService {
  private busy = false;
  private running: RunningTransfer<unknown> | null = null;

  constructor(private readonly deps: FileTransferDependencies) {}

  /** Exports one conversation or all, to a file the user picks; `savedTo` is null when cancelled. */
  async exportHistory(
    input: { conversationId: string | null; format: ExportFormat; attachments?: 'embed' | 'folder' },
    context: TransferCaller,
  ): Promise<{ savedTo: string | null }> {
    return this.exclusive(async () => {
      const databasePath = this.deps.databasePath();
      const title = input.conversationId ? this.deps.conversationTitle(input.conversationId) : null;
      const filePath = await this.deps.dialogs.chooseSavePath({
        title: this.text().exportTitle,
        defaultName: exportFileName(input.format, title),
        filters: [exportFilter(input.format, this.text())],
      });
      if (!filePath) return { savedTo: null };
      const written = await this.track(
        this.deps.runner.run(
          { kind: 'export', databasePath, filePath, attachmentsDir: this.deps.attachmentsDir, ...input },
          (progress) => this.deps.sendProgress(context.windowId, progress),
        ),
      );
      return { savedTo: written ? filePath : null };
    });
  }

  /**
   * Imports a Nagare JSON or ChatGPT `conversations.json` the user picks.
   * Null when the dialog was cancelled; a report otherwise, `cancelled` when
   * the user stopped it (then nothing was imported).
   */
  async importHistory(context: TransferCaller): Promise<ImportReport | null> {
    return this.exclusive(async () => {
      const databasePath = this.deps.databasePath();
      const filePath = await this.deps.dialogs.chooseOpenPath({
        title: this.text().importTitle,
        filters: [{ name: this.text().importFiles, extensions: ['json', 'zip'] }],
      });
      if (!filePath) return null;
      const job = {
        kind: 'import' as const,
        databasePath,
        filePath,
        importId: this.deps.newId(),
        attachmentsDir: this.deps.attachmentsDir,
      };
      let report: ImportReport;
      this.deps.setMainCheckpoints?.(false);
      try {
        report = await this.track(
          this.deps.runner.run(job, (progress) => this.deps.sendProgress(context.windowId, progress)),
        );
      } catch (error) {
        // A crashed worker may have left hidden rows; they are removed in the background.
        if (error instanceof AppError && error.code === 'internal') {
          this.sweepUnfinishedImports().catch((sweepError: unknown) => this.deps.onSweepFailed?.(sweepError));
        }
        throw error;
      } finally {
        this.deps.setMainCheckpoints?.(true);
      }
      if (report.conversationsAdded > 0) this.deps.onImported();
      return report;
    });
  }

  /** Stops the running import or export, if any: an import then adds nothing, an export writes no file. */
  cancel(): void {
    this.running?.cancel();
  }

  /** Cancels the running import or export, if any, and resolves once its worker is done with the database. */
  async stop(): Promise<void> {
    const running = this.running;
    running?.cancel();
    await running?.result.catch(() => undefined);
  }

  /** Removes, in the background, what an import cut off by a crash left hidden in the database. */
  async sweepUnfinishedImports(): Promise<number> {
    return this.deps.runner.run({ kind: 'sweep', databasePath: this.deps.databasePath() }).result;
  }

  /** Copies the whole history, consistently while Nagare runs, to a file the user picks. */
  async backUpHistory(): Promise<{ savedTo: string | null }> {
    this.deps.databasePath();
    const path = await this.deps.dialogs.chooseSavePath({
      title: this.text().backUpTitle,
      defaultName: backupFileName(Date.now()),
      filters: [{ name: this.text().databaseFiles, extensions: ['db'] }],
    });
    if (!path) return { savedTo: null };
    this.deps.backUp(path);
    return { savedTo: path };
  }

  /** Saves the raw stream of a reply as a `.sse` file the user picks. */
  async saveStream({ messageId }: { messageId: string }): Promise<{ savedTo: string | null }> {
    const log = this.deps.streamLog(messageId);
    if (!log) throw new AppError('missing', 'This reply has no saved stream.');
    const path = await this.deps.dialogs.chooseSavePath({
      title: this.text().saveStreamTitle,
      defaultName: `stream-${messageId.slice(0, 8)}.sse`,
      filters: [{ name: this.text().streamFiles, extensions: ['sse'] }],
    });
    if (!path) return { savedTo: null };
    try {
      writeFileAtomically(path, serializeSseFile(log));
    } catch (error) {
      throw new AppError('storage', `Could not save the stream: ${(error as Error).message}`);
    }
    return { savedTo: path };
  }

  /** Opens a `.sse` file the user picks, Nagare's or any other event stream, for the inspector. */
  async openStream(): Promise<StreamLog | null> {
    const path = await this.deps.dialogs.chooseOpenPath({
      title: this.text().openStreamTitle,
      filters: [{ name: this.text().streamFiles, extensions: ['sse', 'txt', 'log'] }],
    });
    if (!path) return null;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(path);
    } catch (error) {
      throw new AppError('invalid_request', `Could not read that file: ${(error as Error).message}`, {
        reason: 'unreadable_file',
      });
    }
    return parseSseFile(bytes, path.split(/[\\/]/).pop() ?? 'stream.sse');
  }

  private text(): DialogText {
    return DIALOG_TEXT[this.deps.language?.() ?? 'en'];
  }

  /** One import or export at a time, from the moment its dialog opens. */
  private async exclusive<R>(work: () => Promise<R>): Promise<R> {
    if (this.busy) {
      throw new AppError('invalid_request', 'An import or export is already running. Wait for it, or cancel it.', {
        reason: 'transfer_busy',
      });
    }
    this.busy = true;
    try {
      return await work();
    } finally {
      this.busy = false;
    }
  }

  private async track<R>(transfer: RunningTransfer<R>): Promise<R> {
    this.running = transfer;
    try {
      return await transfer.result;
    } finally {
      this.running = null;
    }
  }
}
