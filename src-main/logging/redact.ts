/**
 * Strips secrets from anything about to be logged: credential headers and fields (tokens,
 * passwords, secrets), bearer tokens, OpenAI-style `sk-` and Google `AIza` keys, key query
 * parameters, passwords in URLs, and every key value Nagare knows.
 */

import { SECRET_HEADER_NAMES } from '../../src-preload/contract/secretHeaders';

/** What replaces a secret. */
export const REDACTED = '[REDACTED]';

// Lower-case names of fields whose whole value is a credential: the secret headers, and how code spells them.
const SECRET_FIELDS = new Set([...SECRET_HEADER_NAMES, 'apikey', 'api_key']);
/**
 * Field names ending in token, password, passwd or secret, in any spelling: `token`,
 * `accessToken`, `refresh_token`, `client-secret`, `dbPassword`. Counts such as `tokens`,
 * `maxTokens` or `tokensPerSecond` do not end in `token` and stay.
 */
const SECRET_FIELD_ENDINGS = /(?:token|password|passwd|secret)$/i;

function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase()) || SECRET_FIELD_ENDINGS.test(name);
}

const STRING_PATTERNS: Array<[RegExp, string]> = [
  // A header written out as text: "Authorization: Bearer abc", "x-api-key=abc".
  [
    /\b((?:proxy-)?authorization|(?:x-)?api[-_]?key|(?:set-)?cookie)(["']?\s*[:=]\s*["']?)[^"'\r\n,}]+/gi,
    `$1$2${REDACTED}`,
  ],
  // A credential field written out as text: `password=hunter2`, `"client_secret": "abc"`, `token: xyz`.
  [/\b((?:[a-z0-9]+[-_]?)?(?:token|password|passwd|secret))(["']?\s*[:=]\s*["']?)[^"'\s&,;}]+/gi, `$1$2${REDACTED}`],
  [/\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, `Bearer ${REDACTED}`],
  [/\bsk-[A-Za-z0-9_-]{6,}/g, REDACTED],
  // Google API keys (Gemini, Maps…): AIza and 35 more characters.
  [/\bAIza[0-9A-Za-z_-]{35}/g, REDACTED],
  // Keys in URLs, as some providers take them: ?key=…, &api_key=…, &access_token=…
  [/([?&](?:key|api[-_]?key|access_token|token)=)[^&#\s"']+/gi, `$1${REDACTED}`],
  // Credentials in a URL, https://user:password@host/: the user part can be a token too.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi, `$1${REDACTED}@`],
];

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Prepared once per log call: the known secrets as one pattern, longest first. */
export class Redactor {
  private readonly known: RegExp | null;

  /** `secrets` are exact values to remove wherever they appear. */
  constructor(secrets: Iterable<string>) {
    const values = [...new Set(secrets)].filter((value) => value.length > 0).sort((a, b) => b.length - a.length);
    this.known = values.length === 0 ? null : new RegExp(values.map(escapeRegExp).join('|'), 'g');
  }

  /** `text` with every known secret and secret-looking token replaced. */
  string(text: string): string {
    let result = this.known ? text.replace(this.known, REDACTED) : text;
    for (const [pattern, replacement] of STRING_PATTERNS) result = result.replace(pattern, replacement);
    return result;
  }

  /**
   * A JSON-safe copy of `value` with secrets removed: credential fields (any depth, any case)
   * become {@link REDACTED}; strings, Error messages, stacks and causes are scrubbed; cycles,
   * functions and bigints are made printable so serializing can never throw.
   */
  value(value: unknown): unknown {
    return this.walk(value, new WeakSet(), 0);
  }

  private walk(value: unknown, seen: WeakSet<object>, depth: number): unknown {
    if (typeof value === 'string') return this.string(value);
    if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
    if (value === undefined) return undefined;
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function') return `[Function ${this.string(value.name || 'anonymous')}]`;
    if (typeof value === 'symbol') return this.string(value.toString());
    if (seen.has(value)) return '[Circular]';
    if (depth > 20) return '[Too deep]';
    seen.add(value);
    try {
      if (value instanceof Error) return this.error(value, seen, depth);
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
      if (typeof Headers !== 'undefined' && value instanceof Headers) {
        return this.object(Object.fromEntries(value.entries()), seen, depth);
      }
      if (value instanceof URL) return this.string(value.href);
      if (ArrayBuffer.isView(value)) return `[${value.constructor.name} of ${value.byteLength} bytes]`;
      if (value instanceof Map) return this.object(Object.fromEntries(value), seen, depth);
      if (value instanceof Set) return this.walk([...value], seen, depth);
      if (Array.isArray(value)) return value.map((item) => this.walk(item, seen, depth + 1) ?? null);
      return this.object(value as Record<string, unknown>, seen, depth);
    } finally {
      seen.delete(value);
    }
  }

  private error(error: Error, seen: WeakSet<object>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.string(error.name), message: this.string(error.message) };
    if (error.stack) out['stack'] = this.string(error.stack);
    // Own fields such as `code`, `status` or a response's `headers`.
    Object.assign(out, this.object(error as unknown as Record<string, unknown>, seen, depth));
    if (error.cause !== undefined) out['cause'] = this.walk(error.cause, seen, depth + 1);
    return out;
  }

  private object(record: Record<string, unknown>, seen: WeakSet<object>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    let entries: Array<[string, unknown]>;
    try {
      // Getters run here; one that throws must not take the log line with it.
      entries = Object.entries(record);
    } catch {
      return { unreadable: true };
    }
    for (const [key, item] of entries) {
      const safeKey = this.string(key);
      if (isSecretField(key)) {
        out[safeKey] = REDACTED;
        continue;
      }
      const walked = this.walk(item, seen, depth + 1);
      if (walked !== undefined) out[safeKey] = walked;
    }
    return out;
  }
}

/** Shorthand for one value: see {@link Redactor.value}. */
export function redact(value: unknown, secrets: Iterable<string> = []): unknown {
  return new Redactor(secrets).value(value);
}
