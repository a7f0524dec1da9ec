/**
 * The one serialized error shape that crosses IPC. Thrown Errors lose their
 * fields on the way through `ipcMain.handle`, so every failure travels as data.
 */

/** Errors of an upstream chat request, in the order a user can act on them. */
export const STREAM_ERROR_CODES = [
  'auth',
  'not_found',
  'rate_limited',
  'bad_request',
  'image_unsupported',
  'server',
  'network',
  'timeout',
  'protocol',
  'upstream',
  'cancelled',
] as const;

/** Errors of Nagare itself: bad input, storage, keychain, a refused caller. */
export const APP_ERROR_CODES = [
  'invalid_request',
  'forbidden',
  'missing',
  'no_key',
  'keychain_unavailable',
  'storage',
  'import_invalid',
  'attachment_invalid',
  'offline',
  'internal',
] as const;

/** Errors of one tool call: the server would not start, died, took too long, said no, or answered nonsense. */
export const TOOL_ERROR_CODES = [
  'tool_start_failed',
  'tool_crashed',
  'tool_timeout',
  'tool_error',
  'tool_malformed',
  'tool_bad_arguments',
  'tool_unknown',
] as const;

export type ToolErrorCode = (typeof TOOL_ERROR_CODES)[number];
export type StreamErrorCode = (typeof STREAM_ERROR_CODES)[number];
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];
export type ErrorCode = StreamErrorCode | AppErrorCode | ToolErrorCode;

/** A failure as it crosses IPC. `message` is safe to show; it never holds a secret. */
export interface NagareErrorShape {
  code: ErrorCode;
  message: string;
  /** Seconds to wait, for `rate_limited` when the server said so. */
  retryAfterSeconds?: number;
  /**
   * When a reply failed, in ms since the epoch: a wait (`retryAfterSeconds`) counts from here, so
   * a countdown goes on where it was after reopening the conversation or restarting.
   */
  at?: number;
  /** HTTP status of the upstream answer, when there was one. */
  status?: number;
}

/** What every invoke channel answers. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: NagareErrorShape };

export function isErrorCode(value: unknown): value is ErrorCode {
  return (
    typeof value === 'string' &&
    ((STREAM_ERROR_CODES as readonly string[]).includes(value) ||
      (APP_ERROR_CODES as readonly string[]).includes(value) ||
      (TOOL_ERROR_CODES as readonly string[]).includes(value))
  );
}
