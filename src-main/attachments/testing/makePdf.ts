/**
 * Writes small, valid PDF files for tests: one page per entry, each with its
 * lines of text in a standard font (no embedded font, so the file stays a few
 * hundred bytes), or no text at all (as a scanned page has none). The byte
 * offsets of the cross-reference table are computed, so PDF readers open the
 * file without repairing it.
 */

/** One page: its lines of text, or null for a page without a text layer. */
export type TestPdfPage = string[] | null;

/** PDF string literals escape backslashes and parentheses; only Latin-1 text is written. */
function pdfString(text: string): string {
  return `(${text.replace(/[\\()]/g, (char) => `\\${char}`)})`;
}

/** A PDF whose pages hold the given lines (WinAnsi text in Helvetica). */
export function makeTestPdf(pages: TestPdfPage[]): Uint8Array {
  const objects: string[] = [];
  const add = (body: string): number => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add('');
  const pageTree = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  const pageIds: number[] = [];
  for (const lines of pages) {
    const drawing =
      lines === null
        ? // A grey rectangle: something is drawn, but there is no text to extract.
          '0.8 g 72 500 300 200 re f'
        : ['BT', '/F1 14 Tf', '16 TL', '72 720 Td', ...lines.map((line) => `${pdfString(line)} '`), 'ET'].join('\n');
    const content = add(`<< /Length ${drawing.length} >>\nstream\n${drawing}\nendstream`);
    pageIds.push(
      add(
        `<< /Type /Page /Parent ${pageTree} 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${content} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pageTree} 0 R >>`;
  objects[pageTree - 1] =
    `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;

  let text = '%PDF-1.4\n%\xE2\xE3\xCF\xD3\n';
  const offsets: number[] = [];
  objects.forEach((body, index) => {
    offsets.push(Buffer.byteLength(text, 'latin1'));
    text += `${index + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(text, 'latin1');
  text += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) text += `${String(offset).padStart(10, '0')} 00000 n \n`;
  text += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(text, 'latin1'));
}
