/** A small JSON document on disk: validated on read, written atomically, a corrupt file kept aside. */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { z } from 'zod';
import { AppError } from '../common/AppError';
import { writeFileAtomically } from '../common/writeFileAtomically';

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
