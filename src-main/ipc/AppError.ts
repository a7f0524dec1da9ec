import {
  isErrorCode,
  type AppErrorCode,
  type ErrorCode,
  type NagareErrorShape,
} from '../../src-preload/contract/errors';

/** A failure a service reports on purpose; its message is safe to show the user. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Omit<NagareErrorShape, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  toShape(): NagareErrorShape {
    return { code: this.code, message: this.message, ...this.details };
  }
}

/**
 * Errors of the services carry a contract code and a message written for the
 * user: AppError, the streaming errors, the keychain and history errors.
 */
export function expectedErrorShape(error: unknown): NagareErrorShape | null {
  if (typeof error !== 'object' || error === null) return null;
  const candidate = error as {
    toShape?: () => NagareErrorShape;
    toErrorShape?: () => NagareErrorShape;
    code?: unknown;
    message?: unknown;
  };
  if (typeof candidate.toShape === 'function') return candidate.toShape();
  if (typeof candidate.toErrorShape === 'function') return candidate.toErrorShape();
  if (isErrorCode(candidate.code) && typeof candidate.message === 'string')
    return { code: candidate.code, message: candidate.message };
  return null;
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
