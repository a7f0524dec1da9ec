/**
 * What a link in model output really does, for the status line and for the question asked
 * before opening a deceptive one. A prompt-injected page can make the model write links whose
 * text names one site while they go to another, `https://bank.example@evil.example/` addresses,
 * hosts spelled with look-alike letters from other alphabets, and text reversed with bidi
 * controls; each of these is found here.
 */
import { toUnicode as punycodeToUnicode } from 'punycode.js';

/** Bidi controls that reorder what is shown: ALM, LRM/RLM, the embeddings and overrides, the isolates. */
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

/** `text` without bidi control characters, so that it reads in the order it was written. */
export function stripBidiControls(text: string): string {
  return text.replace(BIDI_CONTROLS, '');
}

/** Why a link is worth a second look. */
export interface LinkWarnings {
  /** The host the link text names, when the link goes elsewhere. */
  textNamesOtherHost: string | null;
  /** The host is spelled with letters that imitate Latin ones (Cyrillic, Greek…), or mixes alphabets. */
  lookAlikeHost: boolean;
  /** `user@` (or `user:password@`) before the host of a web address: it can pose as the host. */
  userInfo: string | null;
}

/** A link, checked. */
export interface CheckedLink extends LinkWarnings {
  /** What to open: the URL as the URL parser normalized it. */
  href: string;
  kind: 'web' | 'mail';
  /** The address as a person should read it: the host in its own letters. */
  shown: string;
  /** The host (the mail domain for mailto:) in its own letters, and as the DNS sees it. */
  host: string;
  asciiHost: string;
  /** The host is an internationalized one (punycode `xn--` labels). */
  international: boolean;
  /** Whether to ask before opening it. */
  needsConfirmation: boolean;
}

/**
 * Generic top-level domains common enough that a bare `name.tld` in link text names a site, and
 * country codes; left out are those that read as file types or languages (`.md`, `.js`, `.py`,
 * `.sh`, `.rs`, `.ts`, `.pl`, `.cs`, `.ps`), so `[Vue.js](…)` or `[README.md](…)` are not hosts.
 */
const NAMED_TLDS = new Set(
  (
    'com org net edu gov mil int info biz name pro app dev io ai co me tv cc ly gg xyz site online tech store shop ' +
    'blog news page cloud link live top wiki team tools email jp uk de fr cn ru kr tw hk sg in au ca us br mx es ' +
    'it nl se no fi dk ch at be pt ie nz za ar cl pe vn th id my ph ua eu'
  ).split(' '),
);

const SCHEME_URL = /\b(?:https?|ftp):\/\/([^\s/?#]+)/iu;
const WWW_HOST = /(?<![\p{L}\p{N}.-])(www\.[\p{L}\p{N}.-]+)/iu;
const EMAIL_DOMAIN = /[\p{L}\p{N}._%+-]+@([\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+)/u;
const BARE_DOMAIN =
  /(?<![\p{L}\p{N}.@-])((?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+([\p{L}]{2,}))(?![\p{L}\p{N}-])/giu;

/** The host a link's text names, if it names one: a URL, `www.…`, an e-mail address or `name.tld`. */
export function hostNamedBy(text: string): string | null {
  const clean = stripBidiControls(text).trim();
  const fromUrl = SCHEME_URL.exec(clean)?.[1];
  if (fromUrl) return fromUrl.replace(/^[^@]*@/, '').replace(/:\d+$/, '');
  const www = WWW_HOST.exec(clean)?.[1];
  if (www) return www.replace(/\.$/, '');
  const mail = EMAIL_DOMAIN.exec(clean)?.[1];
  if (mail) return mail;
  for (const match of clean.matchAll(BARE_DOMAIN)) {
    if (NAMED_TLDS.has((match[2] ?? '').toLowerCase())) return match[1] ?? null;
  }
  return null;
}

/** A host as the DNS sees it (`xn--…` for international ones), lower case, without `www.` and a final dot. */
function comparable(host: string): string | null {
  try {
    return new URL(`http://${host}/`).hostname.replace(/\.$/, '').replace(/^www\./, '');
  } catch {
    return null;
  }
}

/** True when `a` and `b` are one site: the same host, or one under the other (`docs.example.com`, `example.com`). */
function sameSite(a: string, b: string): boolean {
  return a === b || a.endsWith(`.${b}`) || b.endsWith(`.${a}`);
}

const IMITATING_SCRIPTS = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u;
const LATIN = /\p{Script=Latin}/u;
const OTHER_LETTER = /[^\p{Script=Latin}\p{Script=Common}\p{Script=Inherited}]/u;

/**
 * True for a host spelled to look like another: letters that imitate Latin ones, or a label that
 * mixes Latin with another alphabet. Japanese, Chinese or Arabic names of their own pass.
 */
function looksAlike(unicodeHost: string): boolean {
  return unicodeHost
    .split('.')
    .some((label) => IMITATING_SCRIPTS.test(label) || (LATIN.test(label) && OTHER_LETTER.test(label)));
}

function toUnicode(asciiHost: string): string {
  try {
    return punycodeToUnicode(asciiHost);
  } catch {
    return asciiHost;
  }
}

/** Checks a link found in model output; null when it is not one Nagare opens (only http, https and mailto). */
export function checkLink(rawHref: string, text: string): CheckedLink | null {
  let url: URL;
  try {
    url = new URL(rawHref.trim());
  } catch {
    return null;
  }
  const kind =
    url.protocol === 'mailto:' ? 'mail' : url.protocol === 'http:' || url.protocol === 'https:' ? 'web' : null;
  if (!kind) return null;

  let asciiHost: string;
  let shown: string;
  let userInfo: string | null = null;
  if (kind === 'web') {
    asciiHost = url.hostname;
    if (url.username || url.password) userInfo = decodeURIComponent(url.username) + (url.password ? ':…' : '');
    const host = toUnicode(asciiHost);
    shown = `${url.protocol}//${userInfo ? `${userInfo}@` : ''}${host}${url.port ? `:${url.port}` : ''}${url.pathname}${url.search}${url.hash}`;
  } else {
    const firstRecipient = decodeURIComponent(url.pathname.split(',')[0] ?? '');
    asciiHost = comparable(firstRecipient.split('@').pop() ?? '') ?? '';
    shown = `mailto:${decodeURIComponent(url.pathname)
      .split(',')
      .map((address) =>
        address.replace(/@(.*)$/, (_all, domain: string) => `@${toUnicode(comparable(domain) ?? domain)}`),
      )
      .join(',')}`;
  }
  const host = toUnicode(asciiHost);
  const named = hostNamedBy(text);
  const namedComparable = named === null ? null : comparable(named);
  const destination = comparable(asciiHost);
  const textNamesOtherHost =
    named !== null && namedComparable !== null && destination !== null && !sameSite(namedComparable, destination)
      ? toUnicode(namedComparable)
      : null;
  const international = asciiHost.split('.').some((label) => label.startsWith('xn--'));
  const lookAlikeHost = international && looksAlike(host);
  return {
    href: url.href,
    kind,
    shown,
    host,
    asciiHost,
    international,
    textNamesOtherHost,
    lookAlikeHost,
    userInfo,
    needsConfirmation: textNamesOtherHost !== null || lookAlikeHost || userInfo !== null,
  };
}
