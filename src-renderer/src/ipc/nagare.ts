/**
 * The only module that touches `window.nagare`. It turns the bridge's result
 * objects into values or a thrown `NagareError` the stores can catch.
 */
import {
  errorFactsOf,
  isErrorCode,
  type ErrorCode,
  type ErrorFacts,
  type NagareApi,
  type NagareErrorShape,
  type Result,
} from '../../../src-preload/contract';

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
  /** What the UI needs to say the failure in its language. */
  readonly facts: ErrorFacts;

  constructor(shape: NagareErrorShape) {
    super(shape.message);
    this.name = 'NagareError';
    this.code = shape.code;
    this.retryAfterSeconds = shape.retryAfterSeconds;
    this.status = shape.status;
    this.facts = errorFactsOf(shape);
  }

  toShape(): NagareErrorShape {
    const shape: NagareErrorShape = { code: this.code, message: this.message, ...this.facts };
    if (this.retryAfterSeconds !== undefined) shape.retryAfterSeconds = this.retryAfterSeconds;
    if (this.status !== undefined) shape.status = this.status;
    return shape;
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
  if (isErrorShape(error)) return error;
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}

function isErrorShape(value: unknown): value is NagareErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    isErrorCode((value as { code?: unknown }).code) &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** The bridge, looked up on use so tests can install a fake first. */
export function bridge(): NagareApi {
  return window.nagare;
}
