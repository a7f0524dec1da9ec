/**
 * The markdown-it set-up shared by the one-shot and the incremental renderer:
 * raw HTML escaped, bare URLs linked, code blocks wrapped with a Copy button,
 * inline raster images shown and every other image a placeholder with its
 * address (no remote loads), math as placeholders.
 */
import markdownIt, { type MarkdownIt } from 'markdown-it';
import { languageFor } from './languages';
import { mathPlugin } from './mathPlugin';
import { INLINE_RASTER_IMAGE, sanitizeHtml } from './sanitize';

/** Texts the renderer puts into its own markup; the caller localizes them. */
export interface MarkdownLabels {
  /** The Copy button of a code block. */
  copy: string;
  /** Shown as the language of a code block that names none. */
  plainText: string;
  /** Said of an image that is not shown (remote, SVG), before its address. */
  imageNotLoaded: string;
}

const DEFAULT_LABELS: MarkdownLabels = { copy: 'Copy', plainText: 'text', imageNotLoaded: 'Image not loaded:' };

const WEB_URL = /^https?:\/\//i;
const MAX_SHOWN_URL = 120;

/** Builds the configured markdown-it instance. */
export function createMarkdownIt(labels: Partial<MarkdownLabels> = {}): MarkdownIt {
  const text = { ...DEFAULT_LABELS, ...labels };
  const md = markdownIt({ html: false, linkify: true, typographer: false });
  md.use(mathPlugin);
  // Table alignment arrives as a style attribute; styles are stripped from
  // model output, so carry it as a class instead.
  md.core.ruler.push('align_class', (state) => {
    for (const token of state.tokens) {
      // A wide table scrolls sideways: it must take the focus so the keyboard can scroll it too.
      if (token.type === 'table_open') token.attrSet('tabindex', '0');
      const align = /text-align:(left|center|right)/.exec(String(token.attrGet('style') ?? ''))?.[1];
      if (!align) continue;
      token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'style');
      token.attrJoin('class', `md-align-${align}`);
    }
  });
  const { escapeHtml, unescapeAll } = md.utils;

  const codeBlock = (content: string, info: string): string => {
    const name = (unescapeAll(info).trim().split(/\s+/)[0] ?? '').slice(0, 40);
    const language = languageFor(name);
    const highlight = language ? ` class="language-${language}" data-highlight="${language}"` : '';
    return (
      `<div class="md-code"><div class="md-code-header">` +
      `<span class="md-code-lang">${escapeHtml(name || text.plainText)}</span>` +
      `<button type="button" class="md-code-copy" data-copy-code>${escapeHtml(text.copy)}</button>` +
      // Focusable, so a long line can be scrolled to by keyboard.
      `</div><pre tabindex="0"><code${highlight}>${escapeHtml(content)}</code></pre></div>\n`
    );
  };
  md.renderer.rules.fence = (tokens, idx) => codeBlock(tokens[idx]!.content, tokens[idx]!.info);
  md.renderer.rules.code_block = (tokens, idx) => codeBlock(tokens[idx]!.content, '');

  // An inline raster is shown; loading a remote image would tell a third party that the reply was read.
  md.renderer.rules.image = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const src = String(token.attrGet('src') ?? '');
    const alt = escapeHtml(self.renderInlineAsText(token.children ?? [], options, env));
    if (INLINE_RASTER_IMAGE.test(src)) return `<img class="md-image-inline" src="${escapeHtml(src)}" alt="${alt}">`;
    const shown = escapeHtml(src.length > MAX_SHOWN_URL ? `${src.slice(0, MAX_SHOWN_URL)}…` : src);
    const target = WEB_URL.test(src)
      ? `<a href="${escapeHtml(src)}">${shown}</a>`
      : `<span class="md-image-url">${shown}</span>`;
    return (
      `<span class="md-image md-image-blocked"><span class="md-image-icon" aria-hidden="true">🖼</span>` +
      `<span class="md-image-alt">${alt}</span> <span class="md-image-note">${escapeHtml(text.imageNotLoaded)}</span> ` +
      `${target}</span>`
    );
  };
  return md;
}

/** Configured instances by their labels: one per UI language in practice. */
const configured = new Map<string, MarkdownIt>();
/** A bound that is never reached in use, so a caller passing ever-new labels cannot grow the cache without end. */
const MAX_CONFIGURATIONS = 8;

/**
 * The one markdown-it of a configuration, shared by every message view: building one compiles
 * linkify's patterns and the plugins, which cost more than rendering a short reply. Parsing and
 * rendering keep their state per call (the caller's `env`), so sharing is safe.
 */
export function markdownItFor(labels: Partial<MarkdownLabels> = {}): MarkdownIt {
  const text = { ...DEFAULT_LABELS, ...labels };
  const key = JSON.stringify([text.copy, text.plainText, text.imageNotLoaded]);
  let md = configured.get(key);
  if (!md) {
    if (configured.size >= MAX_CONFIGURATIONS) configured.clear();
    md = createMarkdownIt(text);
    configured.set(key, md);
  }
  return md;
}

const sharedMarkdownIt = (): MarkdownIt => markdownItFor();

/** Renders a whole text at once; the reference the incremental renderer must match. */
export function renderMarkdown(text: string, md: MarkdownIt = sharedMarkdownIt()): string {
  return sanitizeHtml(md.render(text));
}

/**
 * The fenced code blocks of a reply, in order, as the view shows them: the
 * parser's own fence tokens, so blocks inside lists and quotes, longer fences
 * holding shorter ones and an unclosed fence at the end all count as rendered.
 */
export function codeBlocksOf(markdown: string, md: MarkdownIt = sharedMarkdownIt()): string[] {
  return md
    .parse(markdown, {})
    .filter((token) => token.type === 'fence')
    .map((token) => token.content.replace(/\n$/, ''));
}
