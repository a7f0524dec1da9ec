import type { AppErrorCode, ErrorCode, NagareErrorShape } from '../../src-preload/contract';

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

/** Anything with a code and a message of its own (such as the streaming errors) keeps them. */
interface ShapedError {
  toShape(): NagareErrorShape;
}

function isShaped(error: unknown): error is ShapedError {
  return typeof error === 'object' && error !== null && typeof (error as ShapedError).toShape === 'function';
}

/** Turns any thrown value into the wire shape; unknown failures never leak their details. */
export function toErrorShape(error: unknown, fallback: AppErrorCode = 'internal'): NagareErrorShape {
  if (isShaped(error)) return error.toShape();
  return { code: fallback, message: 'Something went wrong inside Nagare. The details are in the log.' };
}
