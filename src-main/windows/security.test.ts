import type { WebContents } from 'electron';
import { describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY, externalUrl, hardenSession, type HardenedSession } from './security';

const APP_URL = 'file:///opt/Nagare/resources/app.asar/out/renderer/index.html';
const isAppUrl = (url: string) => url.split('#')[0] === APP_URL;

type RequestHandler = NonNullable<Parameters<HardenedSession['setPermissionRequestHandler']>[0]>;
type CheckHandler = NonNullable<Parameters<HardenedSession['setPermissionCheckHandler']>[0]>;
type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string | string[]> }) => void,
) => void;

/** A session that keeps the handlers Nagare sets, so they can be called as Electron would. */
function hardened() {
  const set: { request?: RequestHandler; check?: CheckHandler; headers?: HeadersListener } = {};
  const session: HardenedSession = {
    setPermissionRequestHandler: (handler) => (set.request = handler ?? undefined),
    setPermissionCheckHandler: (handler) => (set.check = handler ?? undefined),
    webRequest: {
      // Electron's overloads: (listener) or (filter, listener).
      onHeadersReceived: (first: unknown, second?: unknown) => {
        set.headers = (typeof first === 'function' ? first : second) as HeadersListener;
      },
    },
  };
  hardenSession(session, isAppUrl);
  const contents = {} as WebContents;
  return {
    request: (permission: string, requestingUrl: string, isMainFrame = true) =>
      new Promise<boolean>((resolve) =>
        set.request!(contents, permission as never, resolve, { requestingUrl, isMainFrame } as never),
      ),
    check: (permission: string, requestingUrl: string | undefined, isMainFrame = true) =>
      set.check!(contents, permission as never, 'file:///', { requestingUrl, isMainFrame } as never),
    headers: set.headers!,
  };
}

describe('hardenSession', () => {
  it('lets the app’s own page write to the clipboard, in the request and the check handler', async () => {
    const session = hardened();
    expect(await session.request('clipboard-sanitized-write', `${APP_URL}#quick-ask`)).toBe(true);
    expect(session.check('clipboard-sanitized-write', APP_URL)).toBe(true);
  });

  it('refuses the clipboard to any other page or frame, and every other permission to the app', async () => {
    const session = hardened();
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', `${APP_URL}.evil`, '']) {
      expect(await session.request('clipboard-sanitized-write', url), url).toBe(false);
      expect(session.check('clipboard-sanitized-write', url), url).toBe(false);
    }
    expect(await session.request('clipboard-sanitized-write', APP_URL, false)).toBe(false);
    expect(session.check('clipboard-sanitized-write', undefined)).toBe(false);
    for (const permission of [
      'clipboard-read',
      'media',
      'notifications',
      'geolocation',
      'openExternal',
      'fullscreen',
    ]) {
      expect(await session.request(permission, APP_URL), permission).toBe(false);
      expect(session.check(permission, APP_URL), permission).toBe(false);
    }
  });

  it('adds the CSP header to every response, keeping the others', () => {
    const session = hardened();
    let answered: Record<string, string | string[]> | undefined;
    session.headers(
      { responseHeaders: { 'Content-Type': ['text/html'] } },
      (response) => (answered = response.responseHeaders),
    );
    expect(answered).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('externalUrl', () => {
  it('hands the OS the parsed URL, never the raw string', () => {
    expect(externalUrl('HTTPS://Example.COM/a b?q=1#x')).toBe('https://example.com/a%20b?q=1#x');
    expect(externalUrl('https://xn--pple-43d.com/')).toBe('https://xn--pple-43d.com/');
    expect(externalUrl('http://例え.jp/')).toBe('http://xn--r8jz45g.jp/');
  });

  it('opens mailto links with their recipients, subject and body, and drops every other field', () => {
    expect(externalUrl('mailto:help@example.com')).toBe('mailto:help@example.com');
    expect(
      externalUrl(
        'mailto:a@example.com,b@example.org?subject=Hello%20there&body=Line%201&attach=/etc/passwd&bcc=x@evil.example',
      ),
    ).toBe('mailto:a@example.com,b@example.org?subject=Hello%20there&body=Line%201');
  });

  it.each([
    'javascript:alert(1)',
    'file:///etc/passwd',
    'data:text/html,<script>x</script>',
    'mailto:',
    'mailto:not-an-address',
    'mailto:?to=x@example.com',
    'ms-settings:privacy',
    'smb://server/share',
    'not a url',
  ])('refuses %s', (url) => {
    expect(externalUrl(url)).toBeNull();
  });
});
