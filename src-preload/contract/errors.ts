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
/**
 * What exactly went wrong within a code, so the renderer can say it in the UI language.
 * A failure without a reason is described by its code alone.
 */
export const ERROR_REASONS = [
  // Upstream answers and connections.
  'key_rejected',
  'key_forbidden',
  'too_large',
  'connect_timeout',
  'idle_timeout',
  'server_timeout',
  'connection_refused',
  'host_not_found',
  'host_unreachable',
  'connection_reset',
  'closed_early',
  'tls',
  'computer_offline',
  'html_page',
  'not_event_stream',
  'no_body',
  'not_model_list',
  // Starting a chat.
  'no_provider',
  'no_model',
  'provider_gone',
  // The history database and files.
  'disk_full',
  'read_only',
  'locked',
  'unavailable',
  // The keychain.
  'keychain_no_module',
  'keychain_no_session_bus',
  'keychain_no_provider',
  'keychain_locked',
  'keychain_timeout',
  // Imports and saved streams.
  'not_json',
  'not_an_export',
  'not_chatgpt',
  'newer_version',
  'damaged_export',
  'not_stream_file',
  'unreadable_file',
  // Settings and providers.
  'url_invalid',
  'url_credentials',
  'url_unencrypted',
  'shortcut_taken',
  'transfer_busy',
  'empty_key',
  // Attachments.
  'file_empty',
  'file_too_large',
  'file_unsupported',
  'image_damaged',
  'pdf_unreadable',
  'too_many_files',
  'files_too_large',
] as const;

export type ErrorReason = (typeof ERROR_REASONS)[number];

export type StreamErrorCode = (typeof STREAM_ERROR_CODES)[number];
export type AppErrorCode = (typeof APP_ERROR_CODES)[number];
export type ErrorCode = StreamErrorCode | AppErrorCode | ToolErrorCode;

/**
 * The facts of a failure, apart from its code: the renderer composes the sentence from them in the UI
 * language. `serverMessage` is the server's own words, shown quoted and untranslated.
 */
export interface ErrorFacts {
  reason?: ErrorReason;
  /** The host that was being talked to. */
  host?: string;
  /** The provider's display name. */
  provider?: string;
  /** The server's own words (or, with `file`, what is wrong inside the file), cut short, secrets removed. */
  serverMessage?: string;
  /** A file's name (never its folder). */
  file?: string;
  /** The limit that was hit, in seconds (a timeout). */
  limitSeconds?: number;
}

/**
 * A failure as it crosses IPC. `message` is an English sentence for logs and tests; the UI never shows it,
 * it says the failure from `code` and the facts. Neither ever holds a secret.
 */
export interface NagareErrorShape extends ErrorFacts {
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

export function isErrorReason(value: unknown): value is ErrorReason {
  return typeof value === 'string' && (ERROR_REASONS as readonly string[]).includes(value);
}

/** The facts of a shape, without its code and message; only the fields that are set. */
export function errorFactsOf(shape: ErrorFacts): ErrorFacts {
  const facts: ErrorFacts = {};
  if (shape.reason !== undefined) facts.reason = shape.reason;
  if (shape.host !== undefined) facts.host = shape.host;
  if (shape.provider !== undefined) facts.provider = shape.provider;
  if (shape.serverMessage !== undefined) facts.serverMessage = shape.serverMessage;
  if (shape.file !== undefined) facts.file = shape.file;
  if (shape.limitSeconds !== undefined) facts.limitSeconds = shape.limitSeconds;
  return facts;
}
