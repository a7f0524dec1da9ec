/**
 * What a file is, decided by its bytes (magic numbers), never by its name:
 * the renderer uses it to send images through the downscaler, main to
 * validate every attachment it receives. Imports nothing, so main and the
 * renderer can both use it; nothing here crosses IPC.
 */

/** The image types a message can carry, as OpenAI-compatible APIs accept them. */
export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

/** What the bytes are. */
export type SniffedFile =
  | { kind: 'image'; mimeType: ImageType }
  | { kind: 'pdf'; mimeType: 'application/pdf' }
  /** Text in UTF-8 (or UTF-16 with a byte-order mark), already decoded; SVG is text, never an image. */
  | { kind: 'text'; mimeType: 'text/plain' | 'image/svg+xml'; text: string }
  /** Anything else, named when it is a type people try to attach (HEIC photos, Word files…). */
  | { kind: 'unsupported'; detected: string | null };

function startsWith(bytes: Uint8Array, signature: ReadonlyArray<number>, offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((value, index) => bytes[offset + index] === value);
}

const ascii = (text: string) => [...text].map((char) => char.charCodeAt(0));

/** Binary formats recognised only to name them in the error. */
const KNOWN_BINARY: ReadonlyArray<{ name: string; test: (bytes: Uint8Array) => boolean }> = [
  {
    name: 'HEIC',
    test: (b) => startsWith(b, ascii('ftyp'), 4) && /^(heic|heix|mif1|msf1|hevc)/.test(latin1(b, 8, 12)),
  },
  { name: 'AVIF', test: (b) => startsWith(b, ascii('ftyp'), 4) && latin1(b, 8, 12) === 'avif' },
  { name: 'ZIP', test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) },
  { name: 'TIFF', test: (b) => startsWith(b, ascii('II*\0')) || startsWith(b, ascii('MM\0*')) },
  { name: 'BMP', test: (b) => startsWith(b, ascii('BM')) && b.length > 26 },
];

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...bytes.subarray(start, Math.min(end, bytes.length)));
}

/** The image type of `bytes`, or null. */
export function sniffImage(bytes: Uint8Array): ImageType | null {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'image/gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'image/webp';
  return null;
}

/**
 * Decodes text: UTF-8 (a byte-order mark is dropped) or UTF-16 with its
 * byte-order mark. Null for bytes that are not text: invalid UTF-8, a NUL
 * byte, or many control characters other than tab, line breaks and form feed.
 */
export function decodeText(bytes: Uint8Array): string | null {
  let text: string;
  try {
    if (startsWith(bytes, [0xff, 0xfe])) text = new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    else if (startsWith(bytes, [0xfe, 0xff]))
      text = new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    else text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return null;
  }
  let control = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0) return null;
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d && code !== 0x0c) || code === 0x7f) control++;
  }
  // A few stray escape characters (coloured logs) are text; a file full of them is not.
  return control > Math.max(8, text.length / 10) ? null : text;
}

/** True when decoded text is an SVG document (which can hold scripts and is never shown as an image). */
function isSvg(text: string): boolean {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  return /^\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE\s+svg[^>]*>\s*)?<svg[\s>]/i.test(head);
}

/** What `bytes` are; see the module comment. */
export function sniffFile(bytes: Uint8Array): SniffedFile {
  const image = sniffImage(bytes);
  if (image) return { kind: 'image', mimeType: image };
  if (startsWith(bytes, ascii('%PDF-'))) return { kind: 'pdf', mimeType: 'application/pdf' };
  const known = KNOWN_BINARY.find((format) => format.test(bytes));
  if (known) return { kind: 'unsupported', detected: known.name };
  const text = decodeText(bytes);
  if (text === null) return { kind: 'unsupported', detected: null };
  return { kind: 'text', mimeType: isSvg(text) ? 'image/svg+xml' : 'text/plain', text };
}

/** Width and height from an image's header, without decoding it; null when the header is damaged. */
export function imageSize(bytes: Uint8Array, mimeType: ImageType): { width: number; height: number } | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const fits = (offset: number, length: number) => offset + length <= bytes.length;
  const checked = (width: number, height: number) => (width > 0 && height > 0 ? { width, height } : null);
  switch (mimeType) {
    case 'image/png':
      return fits(16, 8) && latin1(bytes, 12, 16) === 'IHDR' ? checked(view.getUint32(16), view.getUint32(20)) : null;
    case 'image/gif':
      return fits(6, 4) ? checked(view.getUint16(6, true), view.getUint16(8, true)) : null;
    case 'image/webp': {
      const chunk = latin1(bytes, 12, 16);
      if (chunk === 'VP8 ' && fits(26, 4))
        return checked(view.getUint16(26, true) & 0x3fff, view.getUint16(28, true) & 0x3fff);
      if (chunk === 'VP8L' && fits(21, 4)) {
        const bits = view.getUint32(21, true);
        return checked((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
      }
      if (chunk === 'VP8X' && fits(24, 6)) {
        const width = 1 + (bytes[24]! | (bytes[25]! << 8) | (bytes[26]! << 16));
        const height = 1 + (bytes[27]! | (bytes[28]! << 8) | (bytes[29]! << 16));
        return checked(width, height);
      }
      return null;
    }
    case 'image/jpeg': {
      // Walk the segments to the first start-of-frame marker (SOF0–SOF15 but DHT, JPG and DAC).
      let offset = 2;
      while (fits(offset, 4)) {
        if (bytes[offset] !== 0xff) return null;
        const marker = bytes[offset + 1]!;
        if (marker === 0xff) {
          offset++;
          continue;
        }
        const length = view.getUint16(offset + 2);
        if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
          return fits(offset + 5, 4) ? checked(view.getUint16(offset + 7), view.getUint16(offset + 5)) : null;
        }
        offset += 2 + length;
      }
      return null;
    }
  }
}

/** The size an image is sent at: at most `maxSide` on its long side, aspect ratio kept, never enlarged. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= maxSide) return { width, height };
  const scale = maxSide / long;
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}
