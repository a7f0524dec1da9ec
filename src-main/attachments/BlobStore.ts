/**
 * The content-addressed folder of attachment bytes: each file is named by the
 * SHA-256 of its bytes (`attachments/<sha256>` in the user-data folder), so the
 * same file attached twice, or imported again, is kept once. Files are written
 * atomically (a reader never sees half of one) and never changed; they are
 * removed only by the garbage collection, for bytes no message refers to.
 * Plain `node:fs`: main and the transfer worker both use it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../common/AppError';
import { writeFileAtomically } from '../common/writeFileAtomically';

const SHA256 = /^[0-9a-f]{64}$/;

/** The hex SHA-256 of `bytes`: an attachment's id and its file name. */
export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The folder of attachment files; see the module comment. */
export class BlobStore {
  constructor(readonly directory: string) {}

  /** Where the bytes of `id` are. Only a SHA-256 in hex is accepted, so an id can never name another path. */
  pathOf(id: string): string {
    if (!SHA256.test(id)) throw new AppError('invalid_request', 'That is not an attachment id.');
    return join(this.directory, id);
  }

  has(id: string): boolean {
    return existsSync(this.pathOf(id));
  }

  /** Keeps `bytes` under their SHA-256, unless a file with that name is already there. Returns the id. */
  put(bytes: Uint8Array): string {
    const id = sha256Of(bytes);
    if (!this.has(id)) writeFileAtomically(this.pathOf(id), bytes);
    return id;
  }

  /** The bytes of `id`. @throws AppError `missing` when the file is gone. */
  read(id: string): Buffer {
    try {
      return readFileSync(this.pathOf(id));
    } catch (error) {
      if ((error as { code?: unknown }).code === 'ENOENT') {
        throw new AppError('missing', 'This attachment is no longer stored on this computer.');
      }
      throw new AppError('storage', `Could not read an attachment: ${(error as Error).message}`, { cause: error });
    }
  }

  remove(id: string): void {
    rmSync(this.pathOf(id), { force: true });
  }

  /**
   * Files of the folder older than `before` (ms since the epoch): attachments,
   * and temporary files a crash left mid-write. For the sweep of files the
   * database does not know.
   */
  filesOlderThan(before: number): Array<{ name: string; isAttachment: boolean }> {
    if (!existsSync(this.directory)) return [];
    const found: Array<{ name: string; isAttachment: boolean }> = [];
    for (const name of readdirSync(this.directory)) {
      try {
        if (statSync(join(this.directory, name)).mtimeMs < before)
          found.push({ name, isAttachment: SHA256.test(name) });
      } catch {
        // Removed meanwhile.
      }
    }
    return found;
  }

  /** Removes a file found by `filesOlderThan` (a temporary file too). */
  removeFile(name: string): void {
    if (name.includes('/') || name.includes('\\') || name === '..' || name === '.') return;
    rmSync(join(this.directory, name), { force: true });
  }

  /** Makes sure the folder exists. */
  ensure(): void {
    mkdirSync(this.directory, { recursive: true });
  }
}
