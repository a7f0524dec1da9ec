/**
 * Makes a picked, pasted or dropped image ready to send, in the renderer and
 * with no native code: at most ATTACHMENT_LIMITS.imageSide pixels on its long
 * side (aspect ratio kept), a GIF as its first frame, re-encoded only when that
 * makes it smaller. Decoding and scaling happen in `createImageBitmap` and
 * encoding in `OffscreenCanvas.convertToBlob`, both asynchronous in Chromium,
 * so a 12-megapixel photo never holds the page for a long task; the one
 * synchronous step, drawing the already scaled bitmap, is small.
 */
import { ATTACHMENT_LIMITS } from '../../../src-preload/contract/types';
import { fitWithin, imageSize, sniffImage, type ImageType } from '../../../src-preload/shared/fileType';

/** A file ready to hand to `attachments.add`. */
export interface PreparedFile {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  /** True when the image was scaled down or re-encoded. */
  changed: boolean;
}

/** Re-encoding only pays for itself on files at least this large. */
const REENCODE_FROM_BYTES = 512 * 1024;
/** Enough of a file to sniff its type and read an image's size (a JPEG's header can follow its EXIF data). */
const HEAD_BYTES = 256 * 1024;
const JPEG_QUALITY = 0.9;

/** The name under a new type: `anim.gif` sent as PNG is `anim.png`. */
function renamed(name: string, from: ImageType, to: string): string {
  if (from === to) return name;
  const extension = to === 'image/png' ? 'png' : to === 'image/jpeg' ? 'jpg' : 'webp';
  const dot = name.lastIndexOf('.');
  return `${dot > 0 ? name.slice(0, dot) : name}.${extension}`;
}

async function encode(bitmap: ImageBitmap, type: string): Promise<Uint8Array<ArrayBuffer>> {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2D canvas');
  context.drawImage(bitmap, 0, 0);
  const blob = await canvas.convertToBlob({ type, quality: type === 'image/png' ? undefined : JPEG_QUALITY });
  return new Uint8Array(await blob.arrayBuffer());
}

/**
 * Prepares one file. Anything that is not a PNG, JPEG, WebP or GIF by its
 * bytes is passed on as it is: main decides what it is and says why it
 * refuses it. @throws Error when an image cannot be decoded.
 */
export async function prepareFile(file: Blob, name: string): Promise<PreparedFile> {
  // Only the head is read first: a large photo is decoded from the file itself, never copied whole
  // into the worker and back into a new Blob (megabytes each way through the browser's blob store).
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  const whole = async () => (file.size <= HEAD_BYTES ? head : new Uint8Array(await file.arrayBuffer()));
  const type = sniffImage(head);
  if (!type) return { name, bytes: await whole(), changed: false };
  const header = imageSize(head, type);
  const isGif = type === 'image/gif';
  const mustScale = !header || Math.max(header.width, header.height) > ATTACHMENT_LIMITS.imageSide;
  if (!mustScale && !isGif && file.size < REENCODE_FROM_BYTES) return { name, bytes: await whole(), changed: false };

  // The header's size is before EXIF rotation; the decoded bitmap's is what the user sees.
  const full = await createImageBitmap(file);
  const size = fitWithin(full.width, full.height, ATTACHMENT_LIMITS.imageSide);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(full, {
      resizeWidth: size.width,
      resizeHeight: size.height,
      resizeQuality: 'high',
    });
  } finally {
    full.close();
  }
  try {
    // A GIF's first frame goes as PNG (its palette survives); the others keep their type.
    const outType = isGif ? 'image/png' : type;
    const encoded = await encode(bitmap, outType);
    if (!mustScale && !isGif && encoded.byteLength >= file.size) return { name, bytes: await whole(), changed: false };
    return { name: renamed(name, type, outType), bytes: encoded, changed: true };
  } finally {
    bitmap.close();
  }
}
