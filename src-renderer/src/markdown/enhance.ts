/**
 * The slow, optional half of rendering, applied to finished blocks only: code
 * highlighting and KaTeX. Both libraries are loaded on first use, so a reply
 * with neither costs nothing, and the first paint (plain escaped code, TeX
 * source) never waits for them.
 */
import type { HLJSApi } from 'highlight.js';
import type Katex from 'katex';
import type { KatexOptions } from 'katex';
import { languageFor, loadLanguage, type HighlightLanguage } from './languages';
import { sanitizeHtml, sanitizeKatexHtml } from './sanitize';

/** Larger blocks stay plain: highlighting them would stall the window. */
const MAX_HIGHLIGHT_CHARS = 200_000;

const KATEX_OPTIONS: KatexOptions = {
  throwOnError: false,
  output: 'htmlAndMathml',
  // No \href, \includegraphics or \htmlStyle from model output.
  trust: false,
  strict: 'ignore',
  maxSize: 50,
  maxExpand: 1000,
};

let core: Promise<HLJSApi> | undefined;
const languages = new Map<HighlightLanguage, Promise<void>>();
let katex: Promise<typeof Katex> | undefined;

async function highlighterFor(language: HighlightLanguage): Promise<HLJSApi> {
  core ??= import('highlight.js/lib/core').then((module) => module.default);
  const hljs = await core;
  let ready = languages.get(language);
  if (!ready) {
    ready = loadLanguage(language).then((module) => hljs.registerLanguage(language, module.default));
    languages.set(language, ready);
  }
  await ready;
  return hljs;
}

function loadKatex(): Promise<typeof Katex> {
  katex ??= Promise.all([import('katex'), import('katex/dist/katex.min.css')]).then(([module]) => module.default);
  return katex;
}

/** Highlights every not yet highlighted code block under `root`; resolves to how many it did. */
export async function highlightCodeIn(root: ParentNode): Promise<number> {
  const blocks = Array.from(root.querySelectorAll<HTMLElement>('code[data-highlight]:not([data-highlighted])'));
  let done = 0;
  for (const block of blocks) {
    const language = languageFor(block.dataset.highlight ?? '');
    const code = block.textContent ?? '';
    if (!language || code.length > MAX_HIGHLIGHT_CHARS) continue;
    const hljs = await highlighterFor(language);
    if (block.hasAttribute('data-highlighted')) continue;
    // highlight.js escapes the code; its spans still pass the sanitizer.
    block.innerHTML = sanitizeHtml(hljs.highlight(code, { language, ignoreIllegals: true }).value);
    block.classList.add('hljs');
    block.setAttribute('data-highlighted', '');
    done++;
  }
  return done;
}

/** Replaces every TeX placeholder under `root` with KaTeX output; resolves to how many it did. */
export async function renderMathIn(root: ParentNode): Promise<number> {
  const nodes = Array.from(root.querySelectorAll<HTMLElement>('[data-math]:not([data-math-rendered])'));
  if (nodes.length === 0) return 0;
  const { renderToString } = await loadKatex();
  let done = 0;
  for (const node of nodes) {
    if (node.hasAttribute('data-math-rendered')) continue;
    const tex = node.textContent ?? '';
    const displayMode = node.dataset.math !== 'inline';
    node.innerHTML = sanitizeKatexHtml(renderToString(tex, { ...KATEX_OPTIONS, displayMode }));
    node.setAttribute('data-math-rendered', '');
    done++;
  }
  return done;
}

/** Highlights code and renders math under `root` (a finished block's element). */
export async function enhanceBlock(root: ParentNode): Promise<void> {
  await Promise.all([highlightCodeIn(root), renderMathIn(root)]);
}
