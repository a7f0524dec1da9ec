/**
 * Writing a whole file or nothing, for settings, exports and saved streams:
 * the bytes go to a temporary file beside the target (unique, so two writers
 * never share one), are flushed to the disk, and the temporary file is then
 * renamed over the target. A crash, a full disk or a cancelled export never
 * leaves half a file behind, and a reader never sees one being written.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A temporary name beside `path`: same folder (so the rename stays on one disk), unique per call. */
export function temporaryPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Makes the rename itself durable by flushing the folder's entry list. POSIX
 * allows opening a folder for that; Windows does not (its rename is already
 * flushed by NTFS), so a refusal there is expected and ignored.
 */
export function syncDirectory(directory: string): void {
  let handle: number | undefined;
  try {
    handle = openSync(directory, 'r');
    fsyncSync(handle);
  } catch (error) {
    if (!isExpectedDirectorySyncRefusal(error)) throw error;
  } finally {
    if (handle !== undefined) closeSync(handle);
  }
}

function isExpectedDirectorySyncRefusal(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EISDIR' || code === 'EPERM' || code === 'EACCES' || code === 'EINVAL' || code === 'ENOTSUP';
}

/** Writes `data` to `path` atomically and durably (see the module comment). */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryPathFor(path);
  let handle: number | undefined;
  try {
    handle = openSync(temporary, 'w');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    for (let offset = 0; offset < bytes.length;) offset += writeSync(handle, bytes, offset);
    fsyncSync(handle);
    closeSync(handle);
    handle = undefined;
    renameSync(temporary, path);
  } catch (error) {
    if (handle !== undefined) closeSync(handle);
    rmSync(temporary, { force: true });
    throw error;
  }
  syncDirectory(dirname(path));
}

/** A file being written piece by piece that appears at its path only when committed. */
export interface AtomicFileWriter {
  /** Appends text or bytes; resolves when the operating system has them. */
  write(data: string | Uint8Array): Promise<void>;
  /** Flushes to the disk and renames into place; the file exists only after this resolves. */
  commit(): Promise<void>;
  /** Removes the temporary file; the target is left as it was. Safe to call more than once. */
  abort(): Promise<void>;
}

/**
 * Opens a streamed atomic write, for files too large to hold in memory (an
 * export of the whole history). Small writes are gathered into larger ones.
 */
export async function openAtomicFileWriter(path: string, bufferBytes = 256 * 1024): Promise<AtomicFileWriter> {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = temporaryPathFor(path);
  let handle: FileHandle | null = await open(temporary, 'w');
  let pending: Buffer[] = [];
  let pendingBytes = 0;

  const drain = async () => {
    if (!handle || pendingBytes === 0) return;
    const chunk = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await handle.write(chunk);
  };
  const closeQuietly = async () => {
    const current = handle;
    handle = null;
    await current?.close().catch(() => undefined);
  };

  return {
    async write(data) {
      if (!handle) throw new Error('The file was already committed or abandoned.');
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
      pending.push(bytes);
      pendingBytes += bytes.length;
      if (pendingBytes >= bufferBytes) await drain();
    },
    async commit() {
      if (!handle) throw new Error('The file was already committed or abandoned.');
      try {
        await drain();
        await handle.sync();
        await closeQuietly();
        await rename(temporary, path);
      } catch (error) {
        await closeQuietly();
        await rm(temporary, { force: true });
        throw error;
      }
      syncDirectory(dirname(path));
    },
    async abort() {
      pending = [];
      pendingBytes = 0;
      await closeQuietly();
      await rm(temporary, { force: true });
    },
  };
}
