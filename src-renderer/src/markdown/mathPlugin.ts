/**
 * A small markdown-it plugin for TeX math: `$…$` and `$$…$$` inline, and
 * `$$ … $$` blocks that start a line. It only produces placeholders holding the
 * TeX source; KaTeX renders them later (see `math.ts`), so the first paint never
 * waits for KaTeX to load.
 */
import type { MarkdownIt } from 'markdown-it';
import type { StateBlock, StateInline } from 'markdown-it';

const DOLLAR = 0x24;
const BACKSLASH = 0x5c;

function isWhitespace(ch: number): boolean {
  return ch === 0x20 || ch === 0x09 || ch === 0x0a;
}

function isDigit(ch: number): boolean {
  return ch >= 0x30 && ch <= 0x39;
}

/** Finds `delimiter` at or after `from`, skipping backslash-escaped characters; -1 if absent. */
function findClosing(src: string, from: number, max: number, delimiter: string): number {
  for (let pos = from; pos < max; pos++) {
    const ch = src.charCodeAt(pos);
    if (ch === BACKSLASH) {
      pos++;
      continue;
    }
    if (ch === DOLLAR && src.startsWith(delimiter, pos)) return pos;
  }
  return -1;
}

function mathInline(state: StateInline, silent: boolean): boolean {
  const { src, pos, posMax } = state;
  if (src.charCodeAt(pos) !== DOLLAR) return false;

  const display = src.charCodeAt(pos + 1) === DOLLAR;
  const delimiter = display ? '$$' : '$';
  const start = pos + delimiter.length;
  let end: number;
  if (display) {
    end = findClosing(src, start, posMax, '$$');
    if (end <= start) return false;
  } else {
    // Pandoc's rule keeps prices like "$5 and $10" as text: no space inside the
    // delimiters and no digit right after the closing one.
    const first = src.charCodeAt(start);
    if (start >= posMax || isWhitespace(first) || first === DOLLAR) return false;
    end = findClosing(src, start, posMax, '$');
    if (end < 0 || isWhitespace(src.charCodeAt(end - 1)) || isDigit(src.charCodeAt(end + 1))) return false;
  }

  if (!silent) {
    const token = state.push('math_inline', 'span', 0);
    token.markup = delimiter;
    token.content = src.slice(start, end);
    token.info = display ? 'display' : '';
  }
  state.pos = end + delimiter.length;
  return true;
}

function mathBlock(state: StateBlock, startLine: number, endLine: number, silent: boolean): boolean {
  const lineStart = (line: number) => (state.bMarks[line] ?? 0) + (state.tShift[line] ?? 0);
  const lineEnd = (line: number) => state.eMarks[line] ?? 0;
  if ((state.sCount[startLine] ?? 0) - state.blkIndent >= 4) return false;
  const pos = lineStart(startLine);
  if (!state.src.startsWith('$$', pos)) return false;

  const firstRest = state.src.slice(pos + 2, lineEnd(startLine)).trim();
  const singleLine = firstRest.length >= 2 && firstRest.endsWith('$$');
  if (silent) return true;

  const parts: string[] = [];
  let nextLine = startLine;
  let closed = false;
  if (singleLine) {
    parts.push(firstRest.slice(0, -2));
    closed = true;
  } else {
    if (firstRest) parts.push(firstRest);
    // Like a fence, an unclosed block runs to the end of its container.
    for (;;) {
      nextLine++;
      if (nextLine >= endLine) break;
      const start = lineStart(nextLine);
      const end = lineEnd(nextLine);
      if (start < end && (state.sCount[nextLine] ?? 0) < state.blkIndent) break;
      const text = state.src.slice(start, end).trimEnd();
      if (text.endsWith('$$')) {
        parts.push(text.slice(0, -2));
        closed = true;
        break;
      }
      parts.push(text);
    }
  }

  state.line = nextLine + (closed ? 1 : 0);
  const token = state.push('math_block', 'div', 0);
  token.block = true;
  token.content = parts.join('\n').trim();
  token.markup = '$$';
  token.info = closed ? '' : 'open';
  token.map = [startLine, state.line];
  return true;
}

/** Registers the math rules and their placeholder renderers on `md`. */
export function mathPlugin(md: MarkdownIt): void {
  md.inline.ruler.after('escape', 'math_inline', mathInline);
  md.block.ruler.after('blockquote', 'math_block', mathBlock, {
    alt: ['paragraph', 'reference', 'blockquote', 'list'],
  });
  const escape = md.utils.escapeHtml;
  md.renderer.rules.math_inline = (tokens, idx) => {
    const token = tokens[idx]!;
    const mode = token.info === 'display' ? 'display' : 'inline';
    return `<span class="md-math" data-math="${mode}">${escape(token.content)}</span>`;
  };
  md.renderer.rules.math_block = (tokens, idx) =>
    `<div class="md-math md-math-block" data-math="block" tabindex="0">${escape(tokens[idx]!.content)}</div>\n`;
}
