/**
 * What a file's bytes are, as the attachment store records it: decided from
 * the bytes (sniffed), never the name. Shared by the AttachmentService (files
 * the user adds) and imports (files an export carries).
 */
import { imageSize, sniffFile } from '../../src-preload/shared/fileType';
import type { StoredAttachment } from '../history/AttachmentStore';

/** A description, or why the file cannot be an attachment. */
export type DescribedFile =
  | { ok: true; attachment: Omit<StoredAttachment, 'sha256'> }
  | { ok: false; reason: 'unsupported' | 'damaged_image'; detected: string | null }
  | { ok: true; pdf: true };

/**
 * Describes `bytes`. A PDF is answered as `{ pdf: true }`: its text is read by
 * the caller (in a worker), or taken from the export that carried it.
 */
export function describeFile(bytes: Uint8Array): DescribedFile {
  const sniffed = sniffFile(bytes);
  const none = { width: null, height: null, pages: null };
  switch (sniffed.kind) {
    case 'unsupported':
      return { ok: false, reason: 'unsupported', detected: sniffed.detected };
    case 'image': {
      const size = imageSize(bytes, sniffed.mimeType);
      if (!size) return { ok: false, reason: 'damaged_image', detected: null };
      return {
        ok: true,
        attachment: {
          kind: 'image',
          mimeType: sniffed.mimeType,
          bytes: bytes.byteLength,
          ...size,
          pages: null,
          text: null,
        },
      };
    }
    case 'text':
      return {
        ok: true,
        attachment: { kind: 'text', mimeType: sniffed.mimeType, bytes: bytes.byteLength, ...none, text: sniffed.text },
      };
    case 'pdf':
      return { ok: true, pdf: true };
  }
}

/** A PDF's description from its text (read by pdf.js, or carried by an export). */
export function describePdf(bytes: Uint8Array, pages: number | null, text: string): Omit<StoredAttachment, 'sha256'> {
  return { kind: 'pdf', mimeType: 'application/pdf', bytes: bytes.byteLength, width: null, height: null, pages, text };
}
