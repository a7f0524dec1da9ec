import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeTestPdf } from './testing/makePdf';
import { decodeText, fitWithin, imageSize, sniffFile } from '../../src-preload/shared/fileType';
import { makeTestPng } from './testing/makeTestPng';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('sniffFile decides by the bytes, not the name', () => {
  it('a PNG is an image, whatever it is called (a screenshot saved as notes.txt)', () => {
    const png = makeTestPng(40, 30);
    expect(sniffFile(png)).toEqual({ kind: 'image', mimeType: 'image/png' });
    expect(imageSize(png, 'image/png')).toEqual({ width: 40, height: 30 });
  });

  it('a text file named .png is text, with its characters decoded', () => {
    const sniffed = sniffFile(utf8('# Notes 📝\nこんにちは\n'));
    expect(sniffed).toEqual({ kind: 'text', mimeType: 'text/plain', text: '# Notes 📝\nこんにちは\n' });
  });

  it('an SVG is never an image: it is text (it can carry scripts), flagged as SVG', () => {
    for (const svg of [
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
      '<?xml version="1.0"?>\n<!-- logo -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x">\n<svg width="1"/>',
    ]) {
      const sniffed = sniffFile(utf8(svg));
      expect(sniffed.kind).toBe('text');
      expect(sniffed.kind === 'text' && sniffed.mimeType).toBe('image/svg+xml');
    }
  });

  it('a binary file named .txt is refused as not text; known formats are named', () => {
    const binary = new Uint8Array(256).map((_, index) => index);
    expect(sniffFile(binary)).toEqual({ kind: 'unsupported', detected: null });
    const heic = new Uint8Array([0, 0, 0, 24, ...utf8('ftypheic'), 0, 0, 0, 0]);
    expect(sniffFile(heic)).toEqual({ kind: 'unsupported', detected: 'HEIC' });
    expect(sniffFile(new Uint8Array([0x50, 0x4b, 3, 4, 20, 0]))).toEqual({ kind: 'unsupported', detected: 'ZIP' });
    // One NUL byte in otherwise plain text: a binary file.
    expect(sniffFile(utf8('looks like text\0but is not')).kind).toBe('unsupported');
    // Latin-1 bytes that are not valid UTF-8.
    expect(sniffFile(new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x0a])).kind).toBe('unsupported');
  });

  it('a PDF, JPEG, GIF and WebP are recognised by their signatures', () => {
    expect(sniffFile(makeTestPdf([['hi']])).kind).toBe('pdf');
    expect(sniffFile(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16]))).toEqual({
      kind: 'image',
      mimeType: 'image/jpeg',
    });
    expect(sniffFile(utf8('GIF89a\x05\x00\x03\x00'))).toEqual({ kind: 'image', mimeType: 'image/gif' });
    expect(sniffFile(utf8('RIFF\0\0\0\0WEBPVP8 '))).toEqual({ kind: 'image', mimeType: 'image/webp' });
  });

  it('UTF-16 with a byte-order mark and UTF-8 with one decode; coloured logs stay text', () => {
    const utf16 = new Uint8Array([
      0xff,
      0xfe,
      ...new Uint8Array(new Uint16Array([...'日本語'].map((c) => c.charCodeAt(0))).buffer),
    ]);
    expect(decodeText(utf16)).toBe('日本語');
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('a,b\n1,2\n')]))).toBe('a,b\n1,2\n');
    expect(decodeText(utf8('\u001b[32mINFO\u001b[0m started\n'.repeat(50)))).not.toBeNull();
  });
});

describe('imageSize reads the header', () => {
  it('of a JPEG, past its other segments', () => {
    // SOI, an APP0 segment of 16 bytes, then SOF0 with height 1536 and width 2048.
    const jpeg = new Uint8Array([
      0xff,
      0xd8,
      0xff,
      0xe0,
      0x00,
      0x10,
      ...new Array<number>(14).fill(0),
      0xff,
      0xc0,
      0x00,
      0x11,
      0x08,
      0x06,
      0x00,
      0x08,
      0x00,
      0x03,
    ]);
    expect(imageSize(jpeg, 'image/jpeg')).toEqual({ width: 2048, height: 1536 });
  });

  it('answers null for a damaged header instead of throwing', () => {
    expect(imageSize(new Uint8Array([0x89, 0x50]), 'image/png')).toBeNull();
    expect(imageSize(new Uint8Array([0xff, 0xd8, 0x00]), 'image/jpeg')).toBeNull();
  });
});

describe('fitWithin', () => {
  it('keeps the aspect ratio, puts the long side at most at the limit, and never enlarges', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20_000 }), fc.integer({ min: 1, max: 20_000 }), (width, height) => {
        const fitted = fitWithin(width, height, 2048);
        expect(Math.max(fitted.width, fitted.height)).toBeLessThanOrEqual(2048);
        expect(fitted.width).toBeLessThanOrEqual(width);
        expect(fitted.height).toBeLessThanOrEqual(height);
        if (Math.max(width, height) > 2048) {
          expect(Math.max(fitted.width, fitted.height)).toBe(2048);
          // Each side is the exact scaled size rounded to a whole pixel (at least one).
          const scale = 2048 / Math.max(width, height);
          expect(Math.abs(fitted.width - Math.max(1, width * scale))).toBeLessThanOrEqual(0.5);
          expect(Math.abs(fitted.height - Math.max(1, height * scale))).toBeLessThanOrEqual(0.5);
        } else {
          expect(fitted).toEqual({ width, height });
        }
      }),
    );
    expect(fitWithin(4032, 3024, 2048)).toEqual({ width: 2048, height: 1536 });
  });
});
