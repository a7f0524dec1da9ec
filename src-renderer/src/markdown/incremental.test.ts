// @vitest-environment happy-dom
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPLY_CORPUS } from './corpus';
import { createIncrementalMarkdown, type IncrementalMarkdown } from './incremental';
import { renderMarkdown } from './renderer';
import { installHappyDomShims, normalizeHtml } from './testSupport';

beforeAll(installHappyDomShims);

/** Streams `text` cut at `cuts`, checking after every update that frozen + tail equals a one-shot render. */
function stream(text: string, cuts: number[], engine: IncrementalMarkdown = createIncrementalMarkdown()): string {
  let frozen: string[] = [];
  for (const cut of cuts) {
    const prefix = text.slice(0, cut);
    const update = engine.update(prefix);
    frozen = update.reset ? update.frozen.map((b) => b.html) : [...frozen, ...update.frozen.map((b) => b.html)];
    expect(normalizeHtml(frozen.join('') + update.tail), `after ${JSON.stringify(prefix)}`).toBe(
      normalizeHtml(renderMarkdown(prefix)),
    );
  }
  const last = engine.finish();
  expect(last.tail).toBe('');
  frozen = last.reset ? last.frozen.map((b) => b.html) : [...frozen, ...last.frozen.map((b) => b.html)];
  return frozen.join('');
}

function lineCuts(text: string): number[] {
  const cuts: number[] = [];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') cuts.push(i + 1);
  return [...cuts, text.length];
}

describe('incremental markdown', () => {
  it('has a corpus of at least 12 replies', () => {
    expect(Object.keys(REPLY_CORPUS).length).toBeGreaterThanOrEqual(12);
  });

  for (const [name, text] of Object.entries(REPLY_CORPUS)) {
    it(`${name}: cut at every line matches a one-shot render`, () => {
      expect(normalizeHtml(stream(text, lineCuts(text)))).toBe(normalizeHtml(renderMarkdown(text)));
    });

    it(`${name}: cut at every character matches a one-shot render`, () => {
      const cuts = Array.from({ length: text.length }, (_, i) => i + 1);
      expect(normalizeHtml(stream(text, cuts))).toBe(normalizeHtml(renderMarkdown(text)));
    });
  }

  it('freezes finished blocks while streaming and renders each only once', () => {
    const text = REPLY_CORPUS.headings!;
    const engine = createIncrementalMarkdown();
    const ids: string[] = [];
    for (let i = 1; i <= text.length; i++) ids.push(...engine.update(text.slice(0, i)).frozen.map((b) => b.id));
    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps an unclosed fence in the tail until the stream ends', () => {
    const engine = createIncrementalMarkdown();
    const update = engine.update('Intro.\n\n```py\nx = 1\n\n\nmore = 2\n');
    expect(update.frozen.map((b) => b.html).join('')).toContain('Intro.');
    expect(update.tail).toContain('more = 2');
    expect(update.tail).toContain('data-copy-code');
  });

  it('only parses the tail: the frozen part is not scanned again', () => {
    const engine = createIncrementalMarkdown();
    const long = Array.from({ length: 2000 }, (_, i) => `Paragraph ${i}.`).join('\n\n') + '\n\n';
    engine.update(long);
    const update = engine.update(`${long}Tail`);
    expect(update.tail).toContain('Tail');
    expect(update.tail).not.toContain('Paragraph 1998.');
  });

  it('starts over when the text is not an extension of the previous one', () => {
    const engine = createIncrementalMarkdown();
    engine.update('# One\n\nFirst reply.\n\nMore');
    const update = engine.update('# Two\n\nOther');
    expect(update.reset).toBe(true);
    expect(normalizeHtml(update.frozen.map((b) => b.html).join('') + update.tail)).toBe(
      normalizeHtml(renderMarkdown('# Two\n\nOther')),
    );
  });

  it('re-renders earlier blocks when a late reference definition resolves them', () => {
    const engine = createIncrementalMarkdown();
    engine.update('Use [the docs].\n\nNext paragraph.\n\nThird');
    const update = engine.update('Use [the docs].\n\nNext paragraph.\n\nThird\n\n[the docs]: https://docs.example/\n');
    expect(update.reset).toBe(true);
    expect(update.frozen[0]!.html).toContain('href="https://docs.example/"');
  });

  it('matches a one-shot render for random chunkings of random replies', () => {
    const pieces = [
      '# H\n',
      'para text ',
      'more\n',
      '\n',
      '- item\n',
      '  - sub\n',
      '1. one\n',
      '2) two\n',
      '> quote\n',
      '```\n',
      '~~~js\n',
      'code();\n',
      '$$\n',
      '$x$ ',
      '| a | b |\n',
      '|---|---|\n',
      '| 1 | 2 |\n',
      '    indented\n',
      '***\n',
      '===\n',
      '[r]: https://r.example\n',
      'see [r]\n',
      'https://x.example ',
      '日本語\n',
      '  ',
      '*',
    ];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...pieces), { maxLength: 25 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (parts, rawCuts) => {
          const text = parts.join('');
          const cuts = [...new Set(rawCuts.map((c) => (text.length ? c % (text.length + 1) : 0)))].sort(
            (a, b) => a - b,
          );
          expect(normalizeHtml(stream(text, [...cuts, text.length]))).toBe(normalizeHtml(renderMarkdown(text)));
        },
      ),
      { numRuns: 300 },
    );
  });
});
