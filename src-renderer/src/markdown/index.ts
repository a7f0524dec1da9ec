/**
 * Markdown for model replies: incremental rendering while a reply streams,
 * sanitized HTML, and lazy code highlighting and math for finished blocks.
 */
export {
  createIncrementalMarkdown,
  type IncrementalMarkdown,
  type IncrementalMarkdownOptions,
  type MarkdownUpdate,
  type RenderedBlock,
} from './incremental';
export { codeBlocksOf, createMarkdownIt, markdownItFor, renderMarkdown, type MarkdownLabels } from './renderer';
export { EXTERNAL_LINK_ATTR, sanitizeHtml, sanitizeKatexHtml } from './sanitize';
export { enhanceBlock, highlightCodeIn, renderMathIn } from './enhance';
export { languageFor, type HighlightLanguage } from './languages';
