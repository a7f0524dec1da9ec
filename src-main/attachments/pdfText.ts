/**
 * The text of a PDF, page by page, with pdf.js (`pdfjs-dist`, its legacy
 * build, which runs under Node). No fonts or canvas are needed to read a text
 * layer. A PDF with no text at all (a scan) answers an empty text, which the
 * caller says in words. Runs in the attachment worker, off main's event loop.
 */

/** What was read from a PDF. */
export interface PdfText {
  pages: number;
  /** Each page's text under a `--- Page N ---` line; '' when no page has any. */
  text: string;
}

/** Joins a page's text items, keeping the line breaks pdf.js reports. */
function pageText(items: ReadonlyArray<{ str?: string; hasEOL?: boolean }>): string {
  let text = '';
  for (const item of items) {
    if (typeof item.str !== 'string') continue;
    text += item.str;
    if (item.hasEOL) text += '\n';
  }
  return text.replace(/[ \t]+\n/g, '\n').trim();
}

/**
 * Reads the text layer of every page. @throws Error for a file pdf.js cannot
 * open (damaged, or protected by a password).
 */
export async function extractPdfText(bytes: Uint8Array): Promise<PdfText> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  // pdf.js takes ownership of the buffer it is given: pass a copy.
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    verbosity: 0,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    stopAtErrors: false,
  });
  const document = await task.promise;
  try {
    const pages: string[] = [];
    for (let number = 1; number <= document.numPages; number++) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      pages.push(pageText(content.items as Array<{ str?: string; hasEOL?: boolean }>));
      page.cleanup();
    }
    const hasText = pages.some((page) => page !== '');
    return {
      pages: document.numPages,
      text: hasText ? pages.map((page, index) => `--- Page ${index + 1} ---\n${page}`).join('\n\n') : '',
    };
  } finally {
    await task.destroy();
  }
}
