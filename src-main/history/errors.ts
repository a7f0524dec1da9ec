/**
 * Typed failures of the history store, and the rules that tell a disk
 * problem from a bug.
 */
import type { AppErrorCode, ErrorReason, NagareErrorShape } from '../../src-preload/contract/errors';
import { AppError, type AppErrorOptions } from '../common/AppError';

/** The contract codes the history store can fail with. */
export type HistoryErrorCode = Extract<
  AppErrorCode,
  'storage' | 'import_invalid' | 'missing' | 'invalid_request' | 'attachment_invalid'
>;

/** A failure of the history store. */
export class HistoryError extends AppError {
  declare readonly code: HistoryErrorCode;

  constructor(code: HistoryErrorCode, message: string, options?: AppErrorOptions) {
    super(code, message, options);
    this.name = 'HistoryError';
  }
}

const STORAGE_SQLITE_CODES = new Set([
  'SQLITE_FULL',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_PERM',
  'SQLITE_IOERR',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
]);
const STORAGE_FS_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EBUSY', 'EISDIR', 'ENOTDIR']);

function errorCode(error: unknown): string {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return '';
}

/** The SQLite primary code (`SQLITE_IOERR_WRITE` → `SQLITE_IOERR`). */
function primaryCode(code: string): string {
  const match = /^SQLITE_[A-Z]+/.exec(code);
  return match ? match[0] : code;
}

/**
 * True when the failure is the disk's fault (full, read-only, unwritable
 * folder, locked) rather than a bug or a damaged file.
 */
export function isStorageFailure(error: unknown): boolean {
  const code = errorCode(error);
  if (STORAGE_SQLITE_CODES.has(primaryCode(code)) || STORAGE_FS_CODES.has(code)) return true;
  // libsql reports a failed open as `ConnectionFailed("…: 14")` with no code; 14 is SQLITE_CANTOPEN.
  const message = error instanceof Error ? error.message : '';
  return /ConnectionFailed/.test(message);
}

/** True when SQLite says the file is not a database or is damaged. */
export function isCorruption(error: unknown): boolean {
  const code = primaryCode(errorCode(error));
  return code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT';
}

/** The kinds of storage failure told apart. */
type StorageReason = Extract<ErrorReason, 'disk_full' | 'read_only' | 'locked' | 'unavailable'>;

/** Which kind of storage failure it is, for the UI's own sentence. */
export function storageReason(error: unknown): StorageReason {
  switch (primaryCode(errorCode(error))) {
    case 'SQLITE_FULL':
    case 'ENOSPC':
    case 'EDQUOT':
      return 'disk_full';
    case 'SQLITE_READONLY':
    case 'EROFS':
    case 'EACCES':
    case 'EPERM':
    case 'SQLITE_PERM':
      return 'read_only';
    case 'SQLITE_BUSY':
    case 'SQLITE_LOCKED':
      return 'locked';
    default:
      return 'unavailable';
  }
}

/** The sentence for each kind of storage failure `storageReason` tells apart. */
const STORAGE_FAILURE_TEXT: Record<StorageReason, string> = {
  disk_full:
    'The disk is full, so the chat history could not be saved. Free some space; nothing on screen has been lost.',
  read_only:
    'The chat history folder is read-only, so the chat history could not be saved. Check the folder permissions.',
  locked: 'The chat history is locked by another program. Close other copies of Nagare and try again.',
  unavailable: 'The chat history could not be read or written. Check that the disk is available and writable.',
};

/** A short, user-facing explanation of a storage failure. */
export function describeStorageFailure(error: unknown): string {
  return STORAGE_FAILURE_TEXT[storageReason(error)];
}

/**
 * Converts a low-level failure into a `HistoryError`: disk problems become
 * `storage`; anything else is rethrown unchanged so bugs are not disguised.
 */
export function toHistoryError(error: unknown): unknown {
  if (error instanceof HistoryError) return error;
  if (isStorageFailure(error) || isCorruption(error)) {
    return new HistoryError('storage', describeStorageFailure(error), { cause: error, reason: storageReason(error) });
  }
  return error;
}

/** Any failure to open or use the history, as the code and reason the window says it by. */
export function storageFailureShape(error: unknown): NagareErrorShape {
  const failure = toHistoryError(error);
  if (failure instanceof HistoryError) return failure.toShape();
  return new HistoryError('storage', describeStorageFailure(error), { reason: storageReason(error) }).toShape();
}

/** Runs `work`, translating storage failures into `HistoryError('storage')`. */
export function guardStorage<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw toHistoryError(error);
  }
}
