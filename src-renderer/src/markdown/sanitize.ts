/**
 * The one gate between rendered model output and the DOM. markdown-it already
 * escapes raw HTML (`html: false`); DOMPurify is the second line, and the place
 * where links are made safe to click and images are kept to inline rasters.
 */
import createDOMPurify, { type Config, type DOMPurify } from 'dompurify';
import { stripBidiControls } from './linkSafety';

/** Attribute marking a link whose clicks MarkdownView routes to `openExternal`. */
export const EXTERNAL_LINK_ATTR = 'data-external-link';

/**
 * The only images model output may show: PNG, JPEG, GIF or WebP inlined as base64 `data:` URLs.
 * Never SVG (a document that can hold script and remote loads), never a remote image (loading
 * one tells a third party the reply was read).
 */
export const INLINE_RASTER_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

const LINK_PROTOCOL = /^(?:https?:|mailto:)/i;
/**
 * DOMPurify tests every attribute value that is not URI-safe against this, so
 * it must let plain words (`type="button"`, `start="3"`) through; any value
 * with a scheme other than ours fails. Links are narrowed further in the hook.
 */
const ALLOWED_VALUE = /^(?:(?:https?|mailto):|[^a-z]|[a-z+.-]+(?:[^a-z+.\-:]|$))/i;

/** Elements no model output may ever produce, whatever the profile. */
const ALWAYS_FORBIDDEN = [
  'script',
  'style',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'form',
  'input',
  'textarea',
  'select',
  'option',
  'picture',
  'source',
  'video',
  'audio',
  'track',
  'link',
  'meta',
  'base',
  'image',
  'use',
  'foreignobject',
  'animate',
  'set',
];

const MARKDOWN_CONFIG: Config = {
  ALLOWED_URI_REGEXP: ALLOWED_VALUE,
  // Markdown output never contains SVG or MathML; only KaTeX's output does.
  FORBID_TAGS: [...ALWAYS_FORBIDDEN, 'svg', 'math'],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'xlink:href'],
  ALLOW_DATA_ATTR: false,
  ADD_ATTR: ['data-copy-code', 'data-highlight', 'data-math', 'data-lang', EXTERNAL_LINK_ATTR],
};

const KATEX_CONFIG: Config = {
  USE_PROFILES: { html: true, svg: true, mathMl: true },
  ALLOWED_URI_REGEXP: ALLOWED_VALUE,
  // With `trust: false` KaTeX emits no links or images; refuse any that slip through.
  FORBID_TAGS: [...ALWAYS_FORBIDDEN, 'a', 'img'],
  FORBID_ATTR: ['href', 'xlink:href', 'src', 'action', 'formaction'],
  ALLOW_DATA_ATTR: false,
};

/** Keeps an image only when it is an inline raster; anything else loses the element. */
function guardImage(node: Element): void {
  const src = node.getAttribute('src') ?? '';
  if (!INLINE_RASTER_IMAGE.test(src)) node.remove();
}

/**
 * Marks the links we open and strips every other way to navigate; removes bidi controls from
 * their text, which can make a link read as something it is not.
 */
function guardLinks(node: Element): void {
  if (node.nodeName === 'IMG') return guardImage(node);
  if (node.nodeName !== 'A') return;
  const texts = node.ownerDocument.createTreeWalker(node, 4 /* NodeFilter.SHOW_TEXT */);
  for (let text = texts.nextNode(); text; text = texts.nextNode()) {
    const clean = stripBidiControls(text.nodeValue ?? '');
    if (clean !== text.nodeValue) text.nodeValue = clean;
  }
  const href = node.getAttribute('href');
  if (href === null || !LINK_PROTOCOL.test(href.trim())) {
    // Not a link we open: keep the text, drop every way to navigate.
    node.removeAttribute('href');
    node.removeAttribute(EXTERNAL_LINK_ATTR);
    return;
  }
  node.setAttribute('rel', 'noopener noreferrer');
  node.setAttribute(EXTERNAL_LINK_ATTR, '');
  node.removeAttribute('target');
}

let markdownPurifier: DOMPurify | undefined;
let katexPurifier: DOMPurify | undefined;

/**
 * Private DOMPurify instances, one per profile, each configured once: passing
 * a config to every `sanitize` call makes DOMPurify rebuild its allow-lists
 * each time, and the streaming tail is sanitized on every update.
 */
function purifierFor(config: Config, withLinks: boolean): DOMPurify {
  const instance = createDOMPurify(window);
  instance.setConfig(config);
  if (withLinks) instance.addHook('afterSanitizeAttributes', (node) => guardLinks(node as Element));
  return instance;
}

/** Sanitizes markdown-it output (and highlight.js output) for `v-html`. */
export function sanitizeHtml(html: string): string {
  markdownPurifier ??= purifierFor(MARKDOWN_CONFIG, true);
  return markdownPurifier.sanitize(html) as string;
}

/** Sanitizes KaTeX output: its spans, inline styles, SVG and MathML are kept. */
export function sanitizeKatexHtml(html: string): string {
  katexPurifier ??= purifierFor(KATEX_CONFIG, false);
  return katexPurifier.sanitize(html) as string;
}
