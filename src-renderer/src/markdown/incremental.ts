/**
 * Incremental markdown for streaming replies. Re-rendering a whole reply on
 * every token is what makes long replies freeze; here the text is split into
 * finished top-level blocks, rendered and sanitized once, and the growing tail,
 * which is the only part parsed on each update.
 *
 * A block is finished once a later block has started in a way no appended text
 * can undo (see `isSafeCut`). Rendering the finished blocks and the tail
 * separately gives exactly the HTML of rendering the whole text at once; the
 * tests check that at every character of a corpus.
 */
import type { MarkdownIt } from 'markdown-it';
import type { Env, Token } from 'markdown-it';
import { markdownItFor, type MarkdownLabels } from './renderer';
import { sanitizeHtml } from './sanitize';

/** One finished block: its sanitized HTML never changes, so it is rendered once. */
export interface RenderedBlock {
  /** Unique within one IncrementalMarkdown, also across resets (usable as a Vue key). */
  readonly id: string;
  /** Sanitized HTML, safe for `v-html`. */
  readonly html: string;
}

/** What changed since the previous call. */
export interface MarkdownUpdate {
  /**
   * True when earlier frozen blocks are void (the text was not an extension of
   * the previous one, or a late reference definition changed an earlier block):
   * `frozen` then holds ALL blocks, to use instead of the old ones.
   */
  readonly reset: boolean;
  /** The blocks finished since the previous call (all blocks when `reset`). */
  readonly frozen: RenderedBlock[];
  /** Sanitized HTML of the unfinished rest; replace the previous tail with it. */
  readonly tail: string;
}

/** Streaming renderer state for one message. */
export interface IncrementalMarkdown {
  /** Feeds the full text so far (normally the previous text plus new characters). */
  update(fullText: string): MarkdownUpdate;
  /** The stream ended: freezes the tail too. Later calls with other text start over. */
  finish(): MarkdownUpdate;
  /** The text fed so far. */
  readonly text: string;
}

/** Options for {@link createIncrementalMarkdown}. */
export interface IncrementalMarkdownOptions {
  labels?: Partial<MarkdownLabels>;
  /** A configured instance from `createMarkdownIt`; the shared one for `labels` when absent. */
  md?: MarkdownIt;
}

type References = NonNullable<Env['references']>;

interface BlockStart {
  token: number;
  line: number;
}

/** Block kinds that end on their own last line, so whatever follows cannot extend them. */
const SELF_CLOSING_KINDS = new Set(['heading_open', 'hr', 'fence', 'math_block']);
const LIST_KINDS = new Set(['bullet_list_open', 'ordered_list_open']);
const LIST_MARKER_START = /[-*+0-9]/;
const LINK_LABEL = /\[([^[\]]{1,999})\]/g;

/** Offsets where lines start; like markdown-it, `\r\n`, `\r` and `\n` end a line. */
function lineStarts(src: string): number[] {
  const starts = [0];
  for (let i = 0; i < src.length; i++) {
    const ch = src.charCodeAt(i);
    if (ch === 0x0d && src.charCodeAt(i + 1) === 0x0a) i++;
    if (ch === 0x0a || ch === 0x0d) starts.push(i + 1);
  }
  return starts;
}

function isBlankLine(src: string, from: number, to: number): boolean {
  return src.slice(from, to).trim() === '';
}

function topLevelBlocks(tokens: Token[]): BlockStart[] {
  const blocks: BlockStart[] = [];
  tokens.forEach((token, index) => {
    if (token.level === 0 && token.nesting !== -1 && token.map) blocks.push({ token: index, line: token.map[0] });
  });
  return blocks;
}

/** Creates the streaming renderer for one message: its state is its own, its markdown-it is shared. */
export function createIncrementalMarkdown(options: IncrementalMarkdownOptions = {}): IncrementalMarkdown {
  const md = options.md ?? markdownItFor(options.labels);
  const normalizeLabel = md.utils.normalizeReference;

  let text = '';
  let frozenEnd = 0;
  let finished = false;
  let lastTail = '';
  let nextId = 0;
  // Reference definitions inside frozen blocks; they apply to everything after.
  let frozenRefs: References = {};
  // A `[label]` in a frozen block that no frozen definition resolves: what it
  // resolved to when frozen. A later definition would change that block.
  let watched = new Map<string, string>();

  const describe = (ref: unknown): string => (ref === undefined ? '' : JSON.stringify(ref));

  function clear(): void {
    frozenEnd = 0;
    finished = false;
    frozenRefs = {};
    watched = new Map();
  }

  function isSafeCut(src: string, lines: number[], tokens: Token[], blocks: BlockStart[], j: number): boolean {
    const line = blocks[j]!.line;
    const previous = tokens[blocks[j - 1]!.token]!;
    // An unclosed fence or math block would have swallowed the later block. The
    // later block must follow at once: a reference definition in between could
    // still grow a title on the next lines.
    if (SELF_CLOSING_KINDS.has(previous.type) && previous.map?.[1] === line) return true;
    // Anything else (paragraph, list, table, quote, indented code) only ends for
    // good at a blank line followed by a line that starts flush left.
    if (line < 1 || !isBlankLine(src, lines[line - 1]!, lines[line]!)) return false;
    if (lines[line + 1] !== undefined) return true;
    // The new line is still growing; its first character must already rule out
    // a list item, which would continue a list across the blank line.
    const first = src.charAt(lines[line]!);
    if (first === '' || first.trim() === '') return false;
    return !(LIST_KINDS.has(previous.type) && LIST_MARKER_START.test(first));
  }

  function freeze(src: string, chunkEnd: number, html: string[], env: Env): RenderedBlock[] | null {
    const chunk = src.slice(0, chunkEnd);
    const chunkEnv: Env = { references: { ...frozenRefs } };
    md.parse(chunk, chunkEnv);
    frozenRefs = chunkEnv.references ?? {};
    for (const match of chunk.matchAll(LINK_LABEL)) {
      const label = normalizeLabel(match[1]!);
      if (!watched.has(label)) watched.set(label, describe(env.references?.[label]));
    }
    for (const [label, seen] of watched) {
      if (!Object.hasOwn(frozenRefs, label)) continue;
      if (describe(frozenRefs[label]) !== seen) return null;
      watched.delete(label);
    }
    frozenEnd += chunkEnd;
    return html.map((h) => ({ id: `b${nextId++}`, html: h }));
  }

  function step(final: boolean): MarkdownUpdate {
    const src = text.slice(frozenEnd);
    const env: Env = { references: { ...frozenRefs } };
    const tokens = md.parse(src, env);
    for (const [label, seen] of watched) {
      if (describe(env.references?.[label]) !== seen) return restart(final);
    }

    const blocks = topLevelBlocks(tokens);
    const lines = lineStarts(src);
    let cut = final ? blocks.length : 0;
    for (let j = blocks.length - 1; j >= 1 && cut === 0; j--) {
      if (isSafeCut(src, lines, tokens, blocks, j)) cut = j;
    }

    const render = (from: number, to: number) =>
      sanitizeHtml(md.renderer.render(tokens.slice(from, to), md.options, env));
    const tokenAt = (j: number) => (j < blocks.length ? blocks[j]!.token : tokens.length);
    let frozen: RenderedBlock[] = [];
    if (cut > 0) {
      const html: string[] = [];
      for (let j = 0; j < cut; j++) html.push(render(tokenAt(j), tokenAt(j + 1)));
      const chunkEnd = cut < blocks.length ? lines[blocks[cut]!.line]! : src.length;
      const result = freeze(src, chunkEnd, html, env);
      if (!result) return restart(final);
      frozen = result;
    } else if (final) {
      frozenEnd = text.length;
    }
    lastTail = final ? '' : render(tokenAt(cut), tokens.length);
    return { reset: false, frozen, tail: lastTail };
  }

  /** Renders the current text from scratch; every earlier block is void. */
  function restart(final: boolean): MarkdownUpdate {
    clear();
    return { ...step(final), reset: true };
  }

  return {
    get text() {
      return text;
    },
    update(fullText) {
      if (fullText === text) return { reset: false, frozen: [], tail: lastTail };
      // One native prefix comparison: the only whole-text work per update.
      const isExtension = fullText.startsWith(text);
      text = fullText;
      // A replaced text (another message, a regenerated reply) or a stream
      // resumed after finish(): earlier blocks may all differ.
      if (finished || !isExtension) return restart(false);
      return step(false);
    },
    finish() {
      if (finished) return { reset: false, frozen: [], tail: '' };
      const result = step(true);
      finished = true;
      return result;
    },
  };
}
