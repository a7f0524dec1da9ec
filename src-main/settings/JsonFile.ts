/** A small JSON document on disk: validated on read, written atomically, a corrupt file kept aside. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';
import { AppError } from '../common/AppError';

/**
 * Writes a whole file or nothing: to a temporary file first, then renamed over
 * the target, so a crash or a full disk never leaves half a file behind, and a
 * reader never sees one being written.
 */
export function writeFileAtomically(path: string, text: string): void {
  const temporary = `${path}.tmp`;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

export class JsonFile<S extends z.ZodType> {
  constructor(
    private readonly path: string,
    private readonly schema: S,
    private readonly fallback: () => z.output<S>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The stored value, or the fallback when there is none; an unreadable file is moved aside, never deleted. */
  read(): z.output<S> {
    if (!existsSync(this.path)) return this.fallback();
    try {
      const parsed = this.schema.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // Unparseable JSON is handled like a schema mismatch below.
    }
    renameSync(this.path, `${this.path}.corrupt-${this.now()}`);
    return this.fallback();
  }

  write(value: z.output<S>): void {
    try {
      writeFileAtomically(this.path, JSON.stringify(value, null, 2));
    } catch (error) {
      throw new AppError('storage', `Could not save ${this.path.split(/[\\/]/).pop()}: ${(error as Error).message}`);
    }
  }
}
