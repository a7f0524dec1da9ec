/**
 * Replies used by the markdown tests: each exercises a construct whose block
 * boundaries are easy to get wrong while streaming.
 */
export const REPLY_CORPUS: Record<string, string> = {
  headings: `# Title\nIntro right under the heading.\n\n## Second\n\nSetext heading\n==============\n\nAnother\n---\n\n### Third ###\nText.\n`,
  paragraphs: `First paragraph with **bold**, *em*, \`code\` and a line\nthat wraps.\n\nSecond paragraph.  \nHard break above.\n\n---\n\nAfter a rule.`,
  nestedLists: `Steps:\n\n1. Install\n   - run \`npm i\`\n   - wait\n\n2. Configure\n\n   Indented paragraph inside item 2.\n\n3. Done\n\n- a\n- b\n  1. nested one\n  2. nested two\n\n* other bullet starts a new list\n\nNot a list any more.\n\n1) paren list\n2) second\n`,
  fencedCode:
    "Here is code:\n\n```ts\nconst a = 1;\n\nfunction f() {\n  return '<b>';\n}\n```\n\n~~~python\nprint('x')\n\n\n~~~\n\nAfter the code.\n\n````md\n```\nnested fence\n```\n````\n",
  unclosedFence: "Start.\n\n```js\nconsole.log('never closed');\n\nstill code\n\n# not a heading\n",
  tables: `| Name | Age | City |\n|:-----|----:|:----:|\n| Ann | 31 | 東京 |\n| Bob | 4 | \`x|y\` |\n\nText between.\n\n| a |\n|---|\n| 1 |\nrow without pipe\n\nEnd.\n`,
  blockquotes: `> Quote line one\ncontinued lazily.\n>\n> - list in quote\n> - second\n\n> Another quote\n\n> > nested\n\nAfter.\n`,
  math: `Euler: $e^{i\\pi} + 1 = 0$ and money $5 and $10.\n\n$$\n\\int_0^1 x^2 \\, dx = \\frac{1}{3}\n$$\n\n$$a^2 + b^2 = c^2$$\n\nInline display $$\\sum_i i$$ here.\n\n$$\nunclosed math block\n\nstill math`,
  links: `See https://example.com and <https://example.org/path?q=1>.\n\n[inline](https://a.example "Title") and [mail](mailto:x@y.z).\n\n[ref link][docs] and [docs] again.\n\n[docs]: https://docs.example/ "Docs"\n\nLate usage of [later].\n\nParagraph.\n\n[later]: https://later.example/\n`,
  japanese: `# 日本語の見出し\n\nこれは段落です。**強調**と\`コード\`を含みます。\n\n- 項目一\n- 項目二\n\n> 引用文です。\n\n| 列 | 値 |\n|----|----|\n| あ | い |\n\n数式 $x_{日}$ も。\n`,
  mixed: `Sure! Here's a summary:\n\n## Plan\n1. Read the file\n2. Parse it\n\n\`\`\`bash\nnpm run build\n\`\`\`\nDirectly after a fence.\n\n    indented code\n\n    more indented\n\nText\n***\n- [ ] task\n- [x] done\n`,
  images: `![diagram](https://evil.example/x.png) and ![inline data](data:image/png;base64,iVBORw0KGgo=)\n\n![](relative.png "t")\n`,
  referenceTitles: `# Heading\n[t]: https://t.example\n'multi\nline title'\n\nIntro.\n\n[u]: https://u.example\n"also\nmulti"\n\nUse [t] and [u].\n`,
  crlf: 'Line one\r\n\r\n- item\r\n- item two\r\n\r\nEnd\r\n',
  listAfterBlank: `1. one\n\n1. two continues after a blank line\n\n10. ten\n\npara\n- dash list interrupts\n\n+ plus list\n`,
};
