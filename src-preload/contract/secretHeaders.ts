/**
 * Header names that can carry a credential. Main drops them from everything it
 * logs, stores or shows; the inspector drops them again before copying a
 * request as cURL. One list, so the two never disagree.
 */
export const SECRET_HEADER_NAMES: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'api-key',
  'x-api-key',
  'x-goog-api-key',
  'cookie',
  'set-cookie',
]);

/** True for a header that can carry a secret, whatever its case. */
export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER_NAMES.has(name.toLowerCase());
}
