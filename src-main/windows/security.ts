/**
 * The security baseline every Nagare window gets: no navigation away from the
 * app, no new windows, no permission but writing to the clipboard from the
 * app's own page, and a strict Content-Security-Policy.
 */
import type { BrowserWindow, Session } from 'electron';

/**
 * Scripts only from the app itself; no remote images, frames or connections.
 * Inline style attributes stay allowed because KaTeX lays out math with them.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Only http and https leave the app, and only through the system browser. */
export function isExternalWebUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** What a `mailto:` link may prefill besides its recipients. */
const MAILTO_FIELDS = ['subject', 'body'];

/**
 * The URL to give the OS for a link, as the URL parser spells it (never the raw string), or null
 * for one Nagare does not open. Web links go to the browser; `mailto:` links to the mail program
 * with their recipients, subject and body only: some mail programs attach a local file named in
 * `attach=`, and `bcc=` would copy a message to someone the user does not see.
 */
export function externalUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol === 'https:' || url.protocol === 'http:') return url.href;
  if (url.protocol !== 'mailto:') return null;
  const recipients = url.pathname;
  if (!/^[^\s@,;<>]+@[^\s@,;<>]+(?:,[^\s@,;<>]+@[^\s@,;<>]+)*$/.test(decodeURIComponent(recipients))) return null;
  const fields = [...url.searchParams]
    .filter(([name]) => MAILTO_FIELDS.includes(name.toLowerCase()))
    .map(([name, value]) => `${name.toLowerCase()}=${encodeURIComponent(value)}`);
  return new URL(`mailto:${recipients}${fields.length > 0 ? `?${fields.join('&')}` : ''}`).href;
}

export interface WindowGuardOptions {
  openExternal(url: string): void;
  onRefused(kind: 'navigation' | 'window-open', url: string): void;
}

/** Refuses every navigation and every new window; web links go to the system browser. */
export function guardWindow(window: BrowserWindow, options: WindowGuardOptions): void {
  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    options.onRefused('navigation', url);
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    options.onRefused('navigation', url);
  });
  contents.setWindowOpenHandler(({ url }) => {
    const external = externalUrl(url);
    if (external) options.openExternal(external);
    else options.onRefused('window-open', url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * The one permission Nagare's page needs: `navigator.clipboard.writeText` (the Copy buttons)
 * asks for it, and Electron refuses it when the handler does.
 */
export const CLIPBOARD_WRITE_PERMISSION = 'clipboard-sanitized-write';

/** The parts of a session {@link hardenSession} sets. */
export type HardenedSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/**
 * Grants the app's own page (`isAppUrl`, main frame) the clipboard write its Copy buttons need,
 * in both the request and the check handler; denies every other permission (camera,
 * notifications, geolocation, reading the clipboard…) to every page; sets the CSP header.
 */
export function hardenSession(session: HardenedSession, isAppUrl: (url: string) => boolean): void {
  const allowed = (permission: string, details: { requestingUrl?: string; isMainFrame?: boolean }) =>
    permission === CLIPBOARD_WRITE_PERMISSION && details.isMainFrame === true && isAppUrl(details.requestingUrl ?? '');
  session.setPermissionRequestHandler((_contents, permission, callback, details) =>
    callback(allowed(permission, details)),
  );
  session.setPermissionCheckHandler((_contents, permission, _origin, details) => allowed(permission, details));
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}
