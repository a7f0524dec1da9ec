import * as nodeFs from 'node:fs';
import { join } from 'node:path';
import { Redactor } from './redact';

/** Severity of a log line, least to most severe. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** The file operations the logger uses; node:fs by default, a failing fake in tests. */
export interface LogFileSystem {
  mkdirSync(path: string, options: { recursive: true }): unknown;
  statSync(path: string): { size: number };
  appendFileSync(path: string, data: string): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { force: true }): void;
}

/** Options of {@link Logger}. */
export interface LoggerOptions {
  /** Folder of `main.log` and its rotated copies; created on the first write. */
  directory: string;
  /** Milliseconds since the epoch, for each line's `time`. */
  clock: () => number;
  /** `main.log` is rotated before a line would take it past this size. */
  maxFileBytes: number;
  /** How many rotated files (`main.1.log` newest … `main.N.log` oldest) to keep. */
  rotatedFiles: number;
  /** Every secret value that must never reach the log (for example the stored API keys). */
  secrets: () => Iterable<string>;
  /** Lines below this level are dropped. Default `info`. */
  level?: LogLevel;
  fs?: LogFileSystem;
  /** Where a line goes when the file cannot be written. Default process.stderr. */
  stderr?: (text: string) => void;
}

/** Fields of a log line: any values; they are redacted and made JSON-safe before writing. */
export type LogFields = Record<string, unknown>;

/**
 * The main process's log: one JSON object per line in `<directory>/main.log`, rotated by size.
 * Every line is redacted first (see `redact.ts`), and logging never throws into its caller: when
 * the disk is full or the folder unwritable the line goes to stderr instead, already redacted.
 */
export class Logger {
  /** Path of the current log file. */
  readonly file: string;
  private readonly options: LoggerOptions;
  private readonly fs: LogFileSystem;
  private readonly minimum: number;
  /** Bytes in the current file; unknown until the first write (and after a failed one). */
  private size: number | null = null;

  constructor(options: LoggerOptions) {
    this.options = options;
    this.fs = options.fs ?? nodeFs;
    this.minimum = RANK[options.level ?? 'info'];
    this.file = join(options.directory, 'main.log');
  }

  /** Detail for debugging; dropped unless the level is `debug`. */
  debug(message: string, fields?: LogFields): void {
    this.log('debug', message, fields);
  }

  /** Something worth knowing happened. */
  info(message: string, fields?: LogFields): void {
    this.log('info', message, fields);
  }

  /** Something went wrong and was handled. */
  warn(message: string, fields?: LogFields): void {
    this.log('warn', message, fields);
  }

  /** Something failed. */
  error(message: string, fields?: LogFields): void {
    this.log('error', message, fields);
  }

  /** Writes one line at `level`. Never throws. */
  log(level: LogLevel, message: string, fields?: LogFields): void {
    if (RANK[level] < this.minimum) return;
    const line = this.format(level, message, fields);
    try {
      this.append(line);
    } catch (error) {
      // Re-measure next time: the failed write may have left part of the line.
      this.size = null;
      this.fallback(line, error);
    }
  }

  private format(level: LogLevel, message: string, fields: LogFields | undefined): string {
    let time: string;
    try {
      time = new Date(this.options.clock()).toISOString();
    } catch {
      time = 'unknown';
    }
    try {
      const redactor = new Redactor(this.options.secrets());
      const entry: Record<string, unknown> = { time, level, msg: redactor.string(String(message)) };
      if (fields !== undefined) entry['fields'] = redactor.value(fields);
      return `${JSON.stringify(entry)}\n`;
    } catch {
      // Without the list of secrets nothing in the line can be trusted, so none of it is kept.
      return `${JSON.stringify({ time, level, msg: '[line dropped: it could not be redacted]' })}\n`;
    }
  }

  private append(line: string): void {
    const bytes = Buffer.byteLength(line);
    if (this.size === null) {
      this.fs.mkdirSync(this.options.directory, { recursive: true });
      this.size = this.currentSize();
    }
    if (this.size > 0 && this.size + bytes > this.options.maxFileBytes) {
      this.rotate();
      this.size = 0;
    }
    this.fs.appendFileSync(this.file, line);
    this.size += bytes;
  }

  private currentSize(): number {
    try {
      return this.fs.statSync(this.file).size;
    } catch (error) {
      if (isMissing(error)) return 0;
      throw error;
    }
  }

  private rotate(): void {
    const kept = Math.max(0, Math.floor(this.options.rotatedFiles));
    const rotated = (index: number) => join(this.options.directory, `main.${index}.log`);
    if (kept === 0) {
      this.fs.rmSync(this.file, { force: true });
      return;
    }
    this.fs.rmSync(rotated(kept), { force: true });
    for (let index = kept - 1; index >= 1; index--) {
      try {
        this.fs.renameSync(rotated(index), rotated(index + 1));
      } catch (error) {
        // Gaps are normal until the logger has rotated `kept` times.
        if (!isMissing(error)) throw error;
      }
    }
    this.fs.renameSync(this.file, rotated(1));
  }

  private fallback(line: string, error: unknown): void {
    // The error's code only: its message could quote a path or data we did not redact.
    const code = (error as { code?: unknown } | null)?.code;
    const reason = typeof code === 'string' ? code : 'write failed';
    try {
      (this.options.stderr ?? ((text: string) => process.stderr.write(text)))(
        `[nagare] could not write the log (${reason}): ${line}`,
      );
    } catch {
      // Nowhere left to write; logging must still not fail the caller.
    }
  }
}

function isMissing(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ENOENT';
}
