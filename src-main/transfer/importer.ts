/**
 * Imports an export file (ChatGPT's `conversations.json` or Nagare JSON) from
 * a stream of its bytes: read one conversation at a time, staged in short
 * transactions, published at the end in one. A file refused whole, a storage
 * failure or a cancel leave the database as it was. Runs in the transfer
 * worker in the app, and directly under Node in tests and the benchmark.
 */
import type { ImportReport, SkippedConversation, TransferProgress } from '../../src-preload/contract/types';
import type { BlobStore } from '../attachments/BlobStore';
import { describeFile } from '../attachments/describeFile';
import type { PdfText } from '../attachments/pdfText';
import type { HistoryDatabase } from '../history/database';
import { toHistoryError } from '../history/errors';
import { AppError } from '../common/AppError';
import { looksLikeChatGptConversation, readChatGptEntry } from './chatGpt';
import { readExport } from './exportReader';
import { nagareHeaderProblem, readNagareEntry } from './nagareFormat';
import {
  throttledProgress,
  type ImportedConversation,
  type ImportedFileSource,
  type ResolvedFile,
} from './importModel';
import { StagedImport } from './stagedImport';

/** How many skipped entries the report names; the count covers them all. */
export const MAX_NAMED_SKIPS = 100;
/** About this much text per write transaction: a few milliseconds of holding the write lock. */
export const DEFAULT_BATCH_BYTES = 64 * 1024;
/**
 * How long one transaction of search rows may run. Longer than a batch of rows: the index costs
 * less in fewer, larger transactions, and main does not wait for the whole of one (it ends at the
 * next statement when main has a write waiting).
 */
const INDEX_BATCH_MILLIS = 40;

/** What an import needs; every dependency is passed in so tests run it on real files and a real database. */
export interface ImportOptions {
  db: HistoryDatabase;
  /** The file's bytes, in order. */
  source: AsyncIterable<Uint8Array | string>;
  /** The file's size, for progress; null when unknown. */
  totalBytes: number | null;
  /** Names this import's staged rows. */
  importId: string;
  now: () => number;
  newId: () => string;
  /** Checked between conversations and between write transactions. */
  isCancelled: () => boolean;
  /** Told how far the import is, at most every 100 ms and once at the end. */
  onProgress?: (progress: TransferProgress) => void;
  batchBytes?: number;
  /** Called right before the publishing transaction. */
  beforePublish?: () => void;
  /** Called before every write transaction, to let main's waiting writes go first. */
  beforeWrite?: () => void;
  /** True while main has a write waiting: the write transaction in progress then ends at once. */
  mainIsWaiting?: () => boolean;
  /** Where imported files' bytes are kept; without it they are left out. */
  blobs?: BlobStore;
  /** Fetches a file an entry names; null when it is not there. */
  readFile?: (source: ImportedFileSource) => Promise<Uint8Array | null>;
  /**
   * Reads the text of a PDF the export carries without it (a ChatGPT upload, or a hand-made
   * file), as for a PDF the user adds, so that search finds it. Without it such a PDF has none.
   */
  readPdf?: (bytes: Uint8Array) => Promise<PdfText>;
}

/** The text of a file as the export gives it, or read from a PDF that came without its text. */
async function textOf(
  file: { text?: string | null; pages?: number | null },
  bytes: Uint8Array,
  readPdf: ImportOptions['readPdf'],
): Promise<{ text: string | null; pages: number | null }> {
  const given = { text: file.text ?? null, pages: file.pages ?? null };
  if (given.text !== null || !readPdf) return given;
  const described = describeFile(bytes);
  if (!(described.ok && 'pdf' in described)) return given;
  // A PDF pdf.js cannot open is still kept, without text, as a scan would be.
  return readPdf(bytes).catch(() => given);
}

/**
 * Fetches the files of an entry's messages; a message whose files were all found drops their
 * placeholders. A file that is not an image, a PDF or text counts as not found: its placeholder stays.
 */
async function resolveFiles(
  conversation: ImportedConversation,
  readFile: (source: ImportedFileSource) => Promise<Uint8Array | null>,
  readPdf: ImportOptions['readPdf'],
): Promise<void> {
  for (const message of conversation.messages) {
    if (!message.files?.length) continue;
    const resolved: ResolvedFile[] = [];
    for (const file of message.files) {
      const bytes = await readFile(file.source).catch(() => null);
      if (!bytes || !describeFile(bytes).ok) continue;
      resolved.push({ name: file.name, bytes, ...(await textOf(file, bytes, readPdf)) });
    }
    message.resolved = resolved;
    if (resolved.length === message.files.length && message.contentWithFiles !== undefined) {
      message.content = message.contentWithFiles;
    }
  }
}

const cancelled = Symbol('cancelled');

/** Imports one file; see the module comment. Throws `import_invalid` or `storage` with nothing written. */
export async function importExportFile(options: ImportOptions): Promise<ImportReport> {
  const { db, isCancelled } = options;
  const batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES;
  const staged = new StagedImport(
    db,
    options.importId,
    options.newId,
    options.beforeWrite,
    options.blobs ?? null,
    options.mainIsWaiting,
  );
  const skipped: SkippedConversation[] = [];
  let skippedCount = 0;
  let alreadyPresent = 0;
  let shape: 'array' | 'object' | null = null;
  let entries = 0;
  let recognised = 0;
  let sawConversations = false;
  const fields = new Map<string, unknown>();
  let bytesRead = 0;
  let indexing: TransferProgress['indexing'] = null;
  const progress = throttledProgress(options.onProgress, () => ({
    kind: 'import',
    bytes: bytesRead,
    totalBytes: options.totalBytes,
    conversations: entries,
    totalConversations: null,
    indexing,
  }));
  const noteSkip = (entry: SkippedConversation) => {
    skippedCount++;
    if (skipped.length < MAX_NAMED_SKIPS) skipped.push(entry);
  };

  try {
    const now = options.now();
    for await (const event of readExport(options.source, (bytes) => (bytesRead = bytes))) {
      if (isCancelled()) throw cancelled;
      if (event.type === 'shape') shape = event.shape;
      else if (event.type === 'conversations') sawConversations = true;
      else if (event.type === 'field') {
        fields.set(event.key, event.value);
        // Refuse a foreign or newer file as soon as it says so, not after reading all of it.
        const early = nagareHeaderProblem(new Map([['format', 'nagare'], ['version', 1], ...fields]), true);
        if (early) throw new AppError('import_invalid', early.message, { reason: early.reason });
      } else {
        entries++;
        if (shape === 'array' && looksLikeChatGptConversation(event.value)) recognised++;
        const outcome =
          shape === 'array'
            ? readChatGptEntry(event.value, event.index, now)
            : readNagareEntry(event.value, event.index);
        if (!outcome.ok) noteSkip(outcome.skipped);
        else {
          if (options.readFile && options.blobs) {
            await resolveFiles(outcome.conversation, options.readFile, options.readPdf);
          }
          const decision = staged.add(outcome.conversation);
          if (decision === 'present') alreadyPresent++;
          else if (decision === 'messages_elsewhere') {
            noteSkip({ name: outcome.conversation.title || `#${event.index + 1}`, reason: 'messages_elsewhere' });
          }
        }
        if (staged.pendingBytes >= batchBytes) staged.writePending(batchBytes, isCancelled);
      }
      progress();
    }
    if (shape === 'object') {
      const problem = nagareHeaderProblem(fields, sawConversations);
      if (problem) throw new AppError('import_invalid', problem.message, { reason: problem.reason });
    }
    if (shape === 'array' && entries > 0 && recognised === 0) {
      throw new AppError(
        'import_invalid',
        'The file is a JSON list, but nothing in it looks like a ChatGPT conversation. Nothing was imported.',
        { reason: 'not_chatgpt' },
      );
    }
    staged.writePending(batchBytes, isCancelled);
    // Said at once: the bar is full by now, and a large history takes a while to index.
    staged.indexForSearch(isCancelled, INDEX_BATCH_MILLIS, (done, total) => {
      indexing = { done, total };
      progress(done === 0);
    });
    if (isCancelled()) throw cancelled;
    options.beforePublish?.();
    staged.publish();
    progress(true);
    return {
      cancelled: false,
      conversationsAdded: staged.conversationsAdded,
      messagesAdded: staged.messagesAdded,
      alreadyPresent,
      skipped,
      skippedCount,
    };
  } catch (error) {
    try {
      staged.discard();
    } catch {
      // Left staged and hidden; the next start sweeps it.
    }
    if (error === cancelled) {
      return {
        cancelled: true,
        conversationsAdded: 0,
        messagesAdded: 0,
        alreadyPresent: 0,
        skipped: [],
        skippedCount: 0,
      };
    }
    throw toHistoryError(error);
  }
}
