/**
 * The rules a provider's base URL must follow, shared by main (which enforces them) and the
 * settings screen (which explains them before saving), so the two never disagree.
 *
 * A key is bound to its provider's origin (scheme, host and port): main deletes it when the
 * origin changes, so a changed URL can never carry the old key to a new server.
 */

/** Why a base URL cannot be saved as it is. */
export type BaseUrlProblem =
  /** Not an http or https URL at all. */
  | 'invalid'
  /** `user:password@` in the URL: credentials go in the key field, never in the address. */
  | 'credentials'
  /** Plain http to a host other than this computer, without the local-network mark. */
  | 'unencrypted';

/** True for this computer itself: `localhost`, 127.0.0.0/8 and `::1`. Traffic to it never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

function parse(url: string): URL | null {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed : null;
  } catch {
    return null;
  }
}

/** True when `url` is served by this computer: it answers with the network down. */
export function isOnThisComputer(url: string): boolean {
  const parsed = parse(url);
  return parsed !== null && isLoopbackHost(parsed.hostname);
}

/** True for plain `http:` to another machine: its traffic, the key included, is not encrypted. */
export function isUnencryptedRemote(url: string): boolean {
  const parsed = parse(url);
  return parsed !== null && parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname);
}

/**
 * What is wrong with `url` as a provider's base URL, or null. `localNetwork` is the user's own
 * statement that an `http:` server is on their local network, which is the only way plain http
 * to another machine is accepted.
 */
export function baseUrlProblem(url: string, localNetwork: boolean): BaseUrlProblem | null {
  const parsed = parse(url);
  if (!parsed) return 'invalid';
  if (parsed.username || parsed.password) return 'credentials';
  if (isUnencryptedRemote(url) && !localNetwork) return 'unencrypted';
  return null;
}

/** The origin a key is bound to: `https://api.example.com` (default ports dropped); null if unparseable. */
export function keyOrigin(url: string): string | null {
  return parse(url)?.origin ?? null;
}
