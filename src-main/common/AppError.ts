/**
 * The one error type of the main process. Every failure a service reports on
 * purpose is an `AppError` (or a subclass that adds what its caller needs, such
 * as `StreamError.partialText`); `toShape()` is the data that crosses IPC.
 * Anything else that is thrown is a bug, answered as `internal` without details.
 */
import {
  errorFactsOf,
  type AppErrorCode,
  type ErrorCode,
  type ErrorFacts,
  type NagareErrorShape,
} from '../../src-preload/contract/errors';

/** What an `AppError` may carry besides its code and message. */
export interface AppErrorOptions extends ErrorFacts {
  /** HTTP status of the upstream answer, when there was one. */
  status?: number;
  /** Seconds to wait, for `rate_limited` when the server said so. */
  retryAfterSeconds?: number;
  /** The raw failure, for the log; never part of the shape. */
  cause?: unknown;
}

/** A failure a service reports on purpose; its message is safe to show the user. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status?: number;
  readonly retryAfterSeconds?: number;
  /** What the renderer needs to say this failure in the UI language. */
  readonly facts: ErrorFacts;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
    this.facts = errorFactsOf(options);
  }

  /** The serializable shape that crosses IPC; never includes the cause, which may hold paths, SQL or keys. */
  toShape(): NagareErrorShape {
    const shape: NagareErrorShape = { code: this.code, message: this.message, ...this.facts };
    if (this.status !== undefined) shape.status = this.status;
    if (this.retryAfterSeconds !== undefined) shape.retryAfterSeconds = this.retryAfterSeconds;
    return shape;
  }
}

/** The wire shape of a failure reported on purpose; null for anything else (a bug). */
export function expectedErrorShape(error: unknown): NagareErrorShape | null {
  return error instanceof AppError ? error.toShape() : null;
}

/** Turns any thrown value into the wire shape; unknown failures never leak their details. */
export function toErrorShape(error: unknown, fallback: AppErrorCode = 'internal'): NagareErrorShape {
  return (
    expectedErrorShape(error) ?? {
      code: fallback,
      message: 'Something went wrong inside Nagare. The details are in the log.',
    }
  );
}
