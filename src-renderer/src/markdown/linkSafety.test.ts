import { describe, expect, it } from 'vitest';
import { checkLink, hostNamedBy, stripBidiControls } from './linkSafety';

describe('hostNamedBy', () => {
  it.each([
    ['https://paypal.com/login', 'paypal.com'],
    ['Log in at https://user@bank.example:8443/x', 'bank.example'],
    ['www.example.org', 'www.example.org'],
    ['support@example.co.jp', 'example.co.jp'],
    ['google.com', 'google.com'],
    ['例え.jp', '例え.jp'],
    ['see (docs.python.org) for more', 'docs.python.org'],
  ])('finds the host in %j', (text, host) => {
    expect(hostNamedBy(text)).toBe(host);
  });

  it.each(['Read the docs', 'Vue.js', 'README.md', 'main.py', 'v1.2.3', 'e.g. this', 'node.js and deno.ts', ''])(
    'finds none in %j',
    (text) => {
      expect(hostNamedBy(text)).toBeNull();
    },
  );
});

describe('checkLink', () => {
  it('passes a plain link whose text is its address or says nothing about a host', () => {
    for (const [href, text] of [
      ['https://example.com/a?b=1#c', 'https://example.com/a?b=1#c'],
      ['https://docs.example.com/guide', 'example.com'],
      ['https://example.com/', 'www.example.com'],
      ['https://nodejs.org/', 'Node.js'],
      ['https://例え.jp/', '例え.jp'],
    ] as const) {
      const link = checkLink(href, text);
      expect(link, href).toMatchObject({ kind: 'web', needsConfirmation: false, textNamesOtherHost: null });
    }
  });

  it('catches text that names one host while the link goes to another', () => {
    expect(checkLink('https://evil.example/login', 'https://paypal.com/login')).toMatchObject({
      textNamesOtherHost: 'paypal.com',
      host: 'evil.example',
      needsConfirmation: true,
    });
    expect(checkLink('https://evil.example/', 'paypal.com')?.needsConfirmation).toBe(true);
    // A look-alike domain is not the same site.
    expect(checkLink('https://paypal.com.evil.example/', 'paypal.com')?.textNamesOtherHost).toBe('paypal.com');
  });

  it('shows where a user@host address really goes', () => {
    const link = checkLink('https://accounts.google.com@evil.example/login', 'sign in');
    expect(link).toMatchObject({ host: 'evil.example', userInfo: 'accounts.google.com', needsConfirmation: true });
    expect(link?.shown).toBe('https://accounts.google.com@evil.example/login');
    expect(checkLink('https://me:secret@host.example/', 'x')?.userInfo).toBe('me:…');
  });

  it('decodes punycode for people to read, and flags hosts spelled with look-alike letters', () => {
    // "аpple.com" with a Cyrillic а.
    const lookAlike = checkLink('https://xn--pple-43d.com/id', 'Apple ID');
    expect(lookAlike).toMatchObject({
      host: 'аpple.com',
      asciiHost: 'xn--pple-43d.com',
      international: true,
      lookAlikeHost: true,
      needsConfirmation: true,
      shown: 'https://аpple.com/id',
    });
    // A Japanese name of its own is international, not a look-alike.
    const japanese = checkLink('https://xn--r8jz45g.jp/', 'サイト');
    expect(japanese).toMatchObject({
      host: '例え.jp',
      international: true,
      lookAlikeHost: false,
      needsConfirmation: false,
    });
  });

  it('checks mailto links by their domain', () => {
    expect(checkLink('mailto:help@example.com?subject=Hi', 'help@example.com')).toMatchObject({
      kind: 'mail',
      host: 'example.com',
      needsConfirmation: false,
      shown: 'mailto:help@example.com',
    });
    expect(checkLink('mailto:thief@evil.example', 'help@example.com')).toMatchObject({
      textNamesOtherHost: 'example.com',
      needsConfirmation: true,
    });
  });

  it('opens only http, https and mailto', () => {
    for (const href of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'data:text/html,x',
      'not a url',
      'ftp://x.example/',
    ]) {
      expect(checkLink(href, 'x'), href).toBeNull();
    }
  });

  it('normalizes what it opens', () => {
    expect(checkLink(' HTTPS://Example.COM/a b ', 'x')?.href).toBe('https://example.com/a%20b');
  });
});

describe('stripBidiControls', () => {
  it('removes the controls that reorder text, and nothing else', () => {
    expect(stripBidiControls('moc.elgoog\u202Egnp.exe')).toBe('moc.elgooggnp.exe');
    expect(stripBidiControls('\u2066a\u2067b\u2068c\u2069\u200E\u200F\u061C 日本語 العربية')).toBe(
      'abc 日本語 العربية',
    );
  });
});
