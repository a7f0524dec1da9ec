/**
 * Failures of an upstream chat request: one class, a classification from
 * HTTP answers and thrown exceptions, and the scrubbing that keeps keys out
 * of every message.
 */
import type { ErrorReason, StreamErrorCode } from '../../src-preload/contract/errors';
import { AppError, type AppErrorOptions } from '../common/AppError';

/** Provider messages longer than this are cut; a message is for a toast, not a dump. */
export const MAX_PROVIDER_MESSAGE_LENGTH = 300;

/** A failed or interrupted reply. Carries the text that arrived before the failure. */
export class StreamError extends AppError {
  declare readonly code: StreamErrorCode;
  /** Reply text received before the failure; empty when none arrived. */
  partialText: string;

  constructor(code: StreamErrorCode, message: string, details: AppErrorOptions & { partialText?: string } = {}) {
    super(code, message, details);
    this.name = 'StreamError';
    this.partialText = details.partialText ?? '';
  }

  /** A copy with every occurrence of the given secrets removed from the message. */
  scrubbed(secrets: ReadonlyArray<string | null | undefined>): StreamError {
    const message = scrubSecrets(this.message, secrets);
    const said = this.facts.serverMessage;
    const serverMessage = said === undefined ? undefined : scrubSecrets(said, secrets);
    if (message === this.message && serverMessage === said) return this;
    return new StreamError(this.code, message, {
      ...this.facts,
      serverMessage,
      status: this.status,
      retryAfterSeconds: this.retryAfterSeconds,
      partialText: this.partialText,
    });
  }
}

/**
 * Removes each secret (raw and URL-encoded) and any `Bearer <token>` from a message.
 * Used on every message the client produces, because providers and proxies do echo keys back.
 */
export function scrubSecrets(message: string, secrets: ReadonlyArray<string | null | undefined>): string {
  let out = message;
  for (const secret of secrets) {
    // Very short "secrets" would shred ordinary words; real keys are long.
    if (!secret || secret.length < 4) continue;
    out = out.split(secret).join('[redacted]');
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join('[redacted]');
  }
  return out.replace(/\bBearer\s+[^\s"',;]+/gi, 'Bearer [redacted]');
}

/**
 * Parses a `Retry-After` header: delta-seconds, or an HTTP-date relative to `nowMs`.
 * Returns whole seconds (never negative), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number = Date.now()): number | undefined {
  if (value == null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number.parseInt(trimmed, 10);
  // Some providers send fractional seconds although the RFC does not allow them.
  if (/^\d+\.\d+$/.test(trimmed)) return Math.ceil(Number.parseFloat(trimmed));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date) || !/[a-z]/i.test(trimmed)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}

/** Shortens a message to `max` characters, on one line. */
export function truncateMessage(text: string, max: number = MAX_PROVIDER_MESSAGE_LENGTH): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/**
 * The provider's own words from an error body: JSON `error.message`, `message`, `detail`
 * (a string, or FastAPI's list of `{msg}`), or an `error` string; for HTML, the page title.
 * Truncated; undefined when nothing readable is there.
 */
export function extractProviderMessage(body: string): string | undefined {
  const trimmed = body.trim();
  if (trimmed === '') return undefined;
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      const found = messageFromJson(JSON.parse(trimmed));
      return found === undefined ? undefined : truncateMessage(found);
    } catch {
      // Not JSON after all: fall through to the text rules.
    }
  }
  if (looksLikeHtml(trimmed)) {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(trimmed)?.[1];
    const heading = /<h1[^>]*>([\s\S]*?)<\/h1>/i.exec(trimmed)?.[1];
    const text = (title ?? heading)?.replace(/<[^>]+>/g, '').trim();
    return text ? truncateMessage(decodeBasicEntities(text)) : undefined;
  }
  return truncateMessage(trimmed);
}

/** Finds a message inside a parsed JSON error, in the shapes providers use. */
export function messageFromJson(value: unknown): string | undefined {
  if (Array.isArray(value)) return messageFromJson(value[0]);
  if (!isRecord(value)) return typeof value === 'string' && value !== '' ? value : undefined;
  const error = value.error;
  if (isRecord(error)) {
    if (typeof error.message === 'string' && error.message !== '') return error.message;
    // OpenRouter nests the upstream provider's words under metadata.raw.
    const raw = isRecord(error.metadata) ? error.metadata.raw : undefined;
    if (typeof raw === 'string' && raw !== '') return raw;
  }
  if (typeof value.message === 'string' && value.message !== '') return value.message;
  const detail = value.detail;
  if (typeof detail === 'string' && detail !== '') return detail;
  if (Array.isArray(detail)) {
    const msgs = detail
      .map((d) => (isRecord(d) && typeof d.msg === 'string' ? d.msg : undefined))
      .filter((m): m is string => m !== undefined);
    if (msgs.length > 0) return msgs.join('; ');
  }
  if (typeof error === 'string' && error !== '') return error;
  return undefined;
}

/** True when a body is an HTML page rather than an API answer. */
export function looksLikeHtml(body: string): boolean {
  return /^\s*(<!doctype html|<html|<head|<body)/i.test(body);
}

/** What the failing HTTP answer looked like. */
export interface FailedResponse {
  status: number;
  /** The `Retry-After` header, if any. */
  retryAfter?: string | null;
  contentType?: string | null;
  /** The start of the body, as text. */
  body: string;
  nowMs?: number;
  /** True when the request sent images: a refusal of them is told apart from other bad requests. */
  sentImages?: boolean;
}

/**
 * How providers say a model takes no images: OpenAI's "image_url is only
 * supported by certain models", DeepSeek's "unknown variant `image_url`",
 * llama.cpp's "image input is not supported", LM Studio's "Model does not
 * support images", OpenRouter's "No endpoints found that support image input".
 */
const IMAGE_REFUSAL =
  /(image|vision|multi-?modal)[\s\S]{0,80}(not supported|unsupported|only supported|not enabled|not allowed|does not support|doesn't support|cannot|can't)|(not support|unsupported|unknown variant|doesn't support|does not support|cannot (process|read|accept))[\s\S]{0,80}(image|vision)/i;

/** True when an error body says the model does not take images. */
export function isImageRefusal(said: string | undefined): boolean {
  return said !== undefined && IMAGE_REFUSAL.test(said);
}

/** Classifies a non-2xx answer by its status, keeping the provider's message. */
export function errorFromResponse(response: FailedResponse): StreamError {
  const { status } = response;
  const said = extractProviderMessage(response.body);
  const withSaid = (summary: string): string => (said ? `${summary} The server said: ${said}` : summary);
  const details = { status, ...(said === undefined ? {} : { serverMessage: said }) };
  if (response.sentImages && [400, 404, 415, 422].includes(status) && isImageRefusal(said)) {
    return new StreamError(
      'image_unsupported',
      withSaid(
        `This model does not accept images (${status}). Choose a model that can see images in the conversation settings, or send your message without them.`,
      ),
      details,
    );
  }
  if (status === 401 || status === 403) {
    const summary =
      status === 401
        ? 'The server did not accept the API key (401). Check the key in Settings.'
        : 'The API key is not allowed to do this (403). Check the key’s permissions or the model.';
    return new StreamError('auth', withSaid(summary), {
      ...details,
      reason: status === 401 ? 'key_rejected' : 'key_forbidden',
    });
  }
  if (status === 404) {
    return new StreamError(
      'not_found',
      withSaid('Not found (404). Check the base URL (it usually ends in /v1) and the model or deployment name.'),
      details,
    );
  }
  if (status === 429) {
    const retryAfterSeconds = parseRetryAfter(response.retryAfter, response.nowMs);
    const wait = retryAfterSeconds === undefined ? '' : ` Try again in ${retryAfterSeconds} s.`;
    return new StreamError('rate_limited', withSaid(`Rate limited or out of quota (429).${wait}`), {
      ...details,
      retryAfterSeconds,
    });
  }
  if (status === 400 || status === 413 || status === 422) {
    const what = status === 413 ? 'The request is too large (413).' : `The server rejected the request (${status}).`;
    return new StreamError('bad_request', withSaid(what), {
      ...details,
      ...(status === 413 ? { reason: 'too_large' as const } : {}),
    });
  }
  if (status >= 500) {
    return new StreamError('server', withSaid(`The server had a problem (${status}). Try again later.`), details);
  }
  if (status === 408) {
    return new StreamError('timeout', withSaid('The server timed out (408).'), {
      ...details,
      reason: 'server_timeout',
    });
  }
  if (status >= 400) return new StreamError('bad_request', withSaid(`The request failed (${status}).`), details);
  return new StreamError('protocol', withSaid(`Unexpected answer (${status}).`), details);
}

/**
 * Classifies a 2xx answer that is not an event stream: an HTML page (a captive portal, a
 * proxy's login page, a wrong base URL) or JSON where SSE was expected.
 */
export function errorFromWrongContentType(status: number, contentType: string | null, body: string): StreamError {
  const said = extractProviderMessage(body);
  const html = looksLikeHtml(body);
  const kind = html ? 'an HTML page' : contentType ? `“${contentType.split(';')[0]}”` : 'no content type';
  const summary = `Expected an event stream but got ${kind}. Check the base URL.`;
  return new StreamError('protocol', said ? `${summary} The server said: ${said}` : summary, {
    status,
    reason: html ? 'html_page' : 'not_event_stream',
    ...(said === undefined ? {} : { serverMessage: said }),
  });
}

type NetworkReason = Extract<
  ErrorReason,
  'connection_refused' | 'host_not_found' | 'host_unreachable' | 'connection_reset' | 'computer_offline'
>;
const NETWORK_REASON_TEXT: Record<NetworkReason, string> = {
  connection_refused: 'the connection was refused; is the server running',
  host_not_found: 'the host name could not be resolved',
  host_unreachable: 'the host or the network is unreachable',
  connection_reset: 'the connection was reset or closed',
  computer_offline: 'the computer is offline',
};
const NETWORK_CODES: Record<string, NetworkReason> = {
  ECONNREFUSED: 'connection_refused',
  ENOTFOUND: 'host_not_found',
  EAI_AGAIN: 'host_not_found',
  ECONNRESET: 'connection_reset',
  EPIPE: 'connection_reset',
  EHOSTUNREACH: 'host_unreachable',
  ENETUNREACH: 'host_unreachable',
  UND_ERR_SOCKET: 'connection_reset',
  ERR_CONNECTION_REFUSED: 'connection_refused',
  ERR_NAME_NOT_RESOLVED: 'host_not_found',
  ERR_INTERNET_DISCONNECTED: 'computer_offline',
  ERR_CONNECTION_RESET: 'connection_reset',
  ERR_CONNECTION_CLOSED: 'connection_reset',
};
const TIMEOUT_CODES =
  /ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT|UND_ERR_HEADERS_TIMEOUT|UND_ERR_BODY_TIMEOUT|ERR_TIMED_OUT|ERR_CONNECTION_TIMED_OUT/;
const TLS_CODES = /CERT|TLS|SSL|ERR_CERT_|UNABLE_TO_VERIFY|SELF_SIGNED|HANDSHAKE/i;

/**
 * Classifies a thrown exception from `fetch` or a body read (Node's undici or Electron's
 * `net.fetch`), walking `cause` chains. Aborts are classified by the caller, which knows
 * whether it was a cancel or a timeout.
 */
export function errorFromException(error: unknown, host: string): StreamError {
  if (error instanceof StreamError) return error;
  const codes = collectCodes(error);
  const where = host ? ` ${host}` : ' the server';
  const facts = { cause: error, ...(host ? { host } : {}) };
  if (TIMEOUT_CODES.test(codes)) {
    return new StreamError('timeout', `Timed out talking to${where}.`, { ...facts, reason: 'connect_timeout' });
  }
  for (const [code, reason] of Object.entries(NETWORK_CODES)) {
    if (codes.includes(code)) {
      return new StreamError('network', `Could not reach${where}: ${NETWORK_REASON_TEXT[reason]}.`, {
        ...facts,
        reason,
      });
    }
  }
  if (TLS_CODES.test(codes)) {
    return new StreamError(
      'network',
      `Could not reach${where}: the secure connection failed (certificate or TLS problem).`,
      { ...facts, reason: 'tls' },
    );
  }
  if (codes.includes('terminated') || codes.includes('other side closed')) {
    return new StreamError('network', `The connection to${where} closed before the reply was complete.`, {
      ...facts,
      reason: 'closed_early',
    });
  }
  if (error instanceof TypeError) {
    return new StreamError('network', `Could not reach${where}.`, facts);
  }
  const text = error instanceof Error ? error.message : String(error);
  return new StreamError('network', truncateMessage(`Network error talking to${where}: ${text}`), facts);
}

/** True for the errors an aborted fetch or read throws. */
export function isAbortError(error: unknown): boolean {
  return (
    isRecord(error) && (error.name === 'AbortError' || error.name === 'TimeoutError' || error.code === 'ABORT_ERR')
  );
}

/** Joins name, code, message and errno of an error and its causes, for matching. */
function collectCodes(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current != null; depth++) {
    if (isRecord(current)) {
      for (const key of ['name', 'code', 'message', 'errno', 'reason'] as const) {
        const v = current[key];
        if (typeof v === 'string' || typeof v === 'number') parts.push(String(v));
      }
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return parts.join(' ');
}

function decodeBasicEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
