// @vitest-environment happy-dom
import { beforeAll, describe, expect, it } from 'vitest';
import { enhanceBlock, highlightCodeIn, renderMathIn } from './enhance';
import { createIncrementalMarkdown } from './incremental';
import { languageFor } from './languages';
import { findExecutableMarkup, installHappyDomShims, toDom } from './testSupport';

beforeAll(installHappyDomShims);

describe('lazy enhancement of finished blocks', () => {
  it('renders code as plain escaped text first, then highlights it once loaded', async () => {
    const engine = createIncrementalMarkdown();
    const { frozen } = engine.update('```python\ndef f(x):\n    return "<b>"\n```\n\nnext');
    const block = toDom(frozen[0]!.html);
    const code = block.querySelector('code')!;
    expect(code.querySelector('span')).toBeNull();
    expect(code.textContent).toBe('def f(x):\n    return "<b>"\n');

    expect(await highlightCodeIn(block)).toBe(1);
    expect(code.querySelector('span.hljs-keyword')?.textContent).toBe('def');
    expect(code.querySelector('span.hljs-string')?.textContent).toBe('"<b>"');
    expect(code.textContent).toBe('def f(x):\n    return "<b>"\n');
    expect(findExecutableMarkup(block)).toEqual([]);
    expect(await highlightCodeIn(block)).toBe(0);
  });

  it('leaves unknown languages plain', async () => {
    const engine = createIncrementalMarkdown();
    engine.update('```brainfuck\n+++.\n```');
    const block = toDom(engine.finish().frozen[0]!.html);
    expect(await highlightCodeIn(block)).toBe(0);
    expect(block.querySelector('.md-code-lang')?.textContent).toBe('brainfuck');
  });

  it('maps fence names to the languages it can load', () => {
    expect(languageFor('ts')).toBe('typescript');
    expect(languageFor('Python')).toBe('python');
    expect(languageFor('c++')).toBe('cpp');
    expect(languageFor('constructor')).toBeNull();
    expect(languageFor('__proto__')).toBeNull();
  });

  it('shows TeX source first, then KaTeX output', async () => {
    const engine = createIncrementalMarkdown();
    const blocks = engine.update('Inline $x^2$ here.\n\n$$\n\\frac{a}{b}\n$$\n').frozen;
    blocks.push(...engine.finish().frozen);
    const root = toDom(blocks.map((b) => b.html).join(''));
    const placeholders = root.querySelectorAll('[data-math]');
    expect(Array.from(placeholders, (p) => p.textContent)).toEqual(['x^2', '\\frac{a}{b}']);

    await enhanceBlock(root);
    expect(root.querySelectorAll('[data-math-rendered]')).toHaveLength(2);
    expect(root.querySelector('[data-math="inline"] .katex')).not.toBeNull();
    expect(root.querySelector('[data-math="block"] .katex-display')).not.toBeNull();
    expect(findExecutableMarkup(root)).toEqual([]);
  });

  it('renders bad TeX as an error message instead of throwing', async () => {
    const root = toDom('<span class="md-math" data-math="inline">\\frac{</span>');
    expect(await renderMathIn(root)).toBe(1);
    expect(root.querySelector('.katex-error')).not.toBeNull();
  });

  it('refuses TeX commands that would link or load', async () => {
    const root = toDom(
      '<span class="md-math" data-math="inline">\\href{javascript:alert(1)}{x}\\url{https://e.example}</span>',
    );
    await renderMathIn(root);
    expect(root.querySelector('a')).toBeNull();
    expect(findExecutableMarkup(root)).toEqual([]);
  });
});
