/**
 * The security baseline every Nagare window gets: no navigation away from the
 * app, no new windows, no permissions, and a strict Content-Security-Policy.
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
    if (isExternalWebUrl(url)) options.openExternal(url);
    else options.onRefused('window-open', url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Denies every permission request (camera, notifications, geolocation…) and sets the CSP header. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}
