/**
 * Writes real PNG files for tests, with no image library: a gradient (so that
 * re-encoding and scaling have something to work on) in 8-bit RGB, its rows
 * deflated with zlib and every chunk's CRC computed.
 */
import { crc32, deflateSync } from 'node:zlib';

function chunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A `width` × `height` PNG of a colour gradient. */
export function makeTestPng(width: number, height: number): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rowBytes = 1 + width * 3;
  const pixels = Buffer.alloc(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    pixels[row] = 0; // no filter
    for (let x = 0; x < width; x++) {
      const at = row + 1 + x * 3;
      pixels[at] = Math.round((x / Math.max(1, width - 1)) * 255);
      pixels[at + 1] = Math.round((y / Math.max(1, height - 1)) * 255);
      pixels[at + 2] = (x * 7 + y * 13) & 0xff;
    }
  }
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(
    Buffer.concat([
      signature,
      chunk('IHDR', header),
      chunk('IDAT', deflateSync(pixels)),
      chunk('IEND', new Uint8Array()),
    ]),
  );
}
