/**
 * "Copy as cURL": the logged request as a POSIX shell command. The log never
 * holds the key, so the command reads it from an environment variable
 * (`$OPENAI_API_KEY`, or the provider's own), which the shell expands.
 */
import { isSecretHeader } from '../../../src-preload/contract/secretHeaders';
import type { StreamLog } from '../../../src-preload/contract/types';

/** How the command authenticates; by default Azure URLs use `api-key`, everything else a bearer token. */
export type CurlAuth = 'bearer' | 'api-key' | 'none';

export interface CurlOptions {
  auth?: CurlAuth;
}

/** Headers curl sets itself from the command. */
const CURL_OWNED_HEADERS = new Set(['content-length', 'host', 'connection']);

/** Quotes a string for a POSIX shell: single quotes, with each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** True for Azure OpenAI's deployment URLs, which take the key in an `api-key` header. */
export function isAzureUrl(url: string): boolean {
  return url.includes('/openai/deployments/');
}

/** The environment variable named in the command; a name the shell could misread falls back to a safe default. */
export function keyVariable(log: Pick<StreamLog, 'keyEnvVar' | 'request'>): string {
  const fallback = isAzureUrl(log.request.url) ? 'AZURE_OPENAI_API_KEY' : 'OPENAI_API_KEY';
  const name = log.keyEnvVar.trim();
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : fallback;
}

/** Builds a `curl` command that replays the logged request and prints the stream as it arrives. */
export function buildCurl(log: Pick<StreamLog, 'keyEnvVar' | 'request'>, options: CurlOptions = {}): string {
  const { url, headers, body } = log.request;
  const auth = options.auth ?? (isAzureUrl(url) ? 'api-key' : 'bearer');
  const variable = keyVariable(log);
  const parts = ['curl --no-buffer', shellQuote(url)];
  // Double quotes so that the shell expands the variable; its name was checked above.
  if (auth === 'bearer') parts.push(`-H "Authorization: Bearer $${variable}"`);
  else if (auth === 'api-key') parts.push(`-H "api-key: $${variable}"`);
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (isSecretHeader(lower) || CURL_OWNED_HEADERS.has(lower)) continue;
    parts.push(`-H ${shellQuote(`${name}: ${value}`)}`);
  }
  if (body !== '') parts.push(`--data-raw ${shellQuote(body)}`);
  return parts.join(' \\\n  ');
}
