/**
 * The only module that touches `window.nagare`. It turns the bridge's result
 * objects into values or a thrown `NagareError` the stores can catch.
 */
import type { ErrorCode, NagareApi, NagareErrorShape, Result } from '../../../src-preload/contract';

declare global {
  interface Window {
    readonly nagare: NagareApi;
  }
}

/** A failure reported by main, with its code kept. */
export class NagareError extends Error {
  readonly code: ErrorCode;
  readonly retryAfterSeconds: number | undefined;
  readonly status: number | undefined;

  constructor(shape: NagareErrorShape) {
    super(shape.message);
    this.name = 'NagareError';
    this.code = shape.code;
    this.retryAfterSeconds = shape.retryAfterSeconds;
    this.status = shape.status;
  }

  toShape(): NagareErrorShape {
    return { code: this.code, message: this.message, retryAfterSeconds: this.retryAfterSeconds, status: this.status };
  }
}

/** Awaits a bridge call and unwraps its result. */
export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new NagareError(result.error);
  return result.value;
}

/** Any thrown value as an error shape, for showing in the UI. */
export function errorShapeOf(error: unknown): NagareErrorShape {
  if (error instanceof NagareError) return error.toShape();
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

/** The bridge, looked up on use so tests can install a fake first. */
export function bridge(): NagareApi {
  return window.nagare;
}
