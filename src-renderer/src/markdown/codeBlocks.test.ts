import { describe, expect, it } from 'vitest';
import { codeBlocksOf } from './renderer';

describe('codeBlocksOf (what "copy the last code block" copies)', () => {
  it('finds backtick and tilde fences, in order, without their closing newline', () => {
    const reply = 'Intro\n\n```ts\nconst a = 1;\n```\n\ntext\n\n~~~\nplain\n~~~\n';
    expect(codeBlocksOf(reply)).toEqual(['const a = 1;', 'plain']);
  });

  it('finds fences inside list items and block quotes, without their indentation or markers', () => {
    const reply = [
      '1. Install it:',
      '',
      '   ```sh',
      '   npm install nagare',
      '   ```',
      '',
      '> ```py',
      '> print("こんにちは")',
      '> ```',
    ].join('\n');
    expect(codeBlocksOf(reply)).toEqual(['npm install nagare', 'print("こんにちは")']);
  });

  it('keeps a shorter fence inside a longer one as content', () => {
    const reply = '````md\n```js\nx()\n```\n````\n';
    expect(codeBlocksOf(reply)).toEqual(['```js\nx()\n```']);
  });

  it('counts a fence still open at the end (a reply cut off or streaming) as the view does', () => {
    expect(codeBlocksOf('Here:\n\n```ts\nlet partial = ')).toEqual(['let partial = ']);
  });

  it('ignores indented code, inline code and fence-like text that is not a fence', () => {
    const reply = 'Use `a```b` inline.\n\n    indented code\n\nNot a fence: ``` in a line.\n';
    expect(codeBlocksOf(reply)).toEqual([]);
  });

  it('keeps empty blocks and blank lines inside a block', () => {
    expect(codeBlocksOf('```\n```\n\n```\na\n\n\nb\n```')).toEqual(['', 'a\n\n\nb']);
  });
});
