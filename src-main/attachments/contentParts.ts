/**
 * A message with files, as the model is sent it: what the user typed as a
 * text part, then each file in order — an image as its bytes (a data URL), a
 * text file as its text under its name, a PDF as its text page by page (or a
 * sentence saying it has none, for a scan).
 */
import type { ContentPart } from '../providers/requestBuilder';
import type { MessageAttachment } from '../history/AttachmentStore';

/** A fence for a file's text that the text itself cannot close. */
function fenceFor(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`+/g), (match) => match[0].length));
  return '`'.repeat(longest + 1);
}

/** The text part for a text file or a PDF. */
export function fileTextPart(attachment: Pick<MessageAttachment, 'name' | 'kind' | 'pages' | 'text'>): string {
  if (attachment.kind === 'pdf') {
    const pages = attachment.pages === 1 ? '1 page' : `${attachment.pages ?? 0} pages`;
    if (!attachment.text) {
      return `Attached PDF: ${attachment.name} (${pages})\n[This PDF has no text layer: it is probably a scan, so its text could not be read.]`;
    }
    return `Attached PDF: ${attachment.name} (${pages})\n${attachment.text}`;
  }
  const text = attachment.text ?? '';
  const fence = fenceFor(text);
  return `Attached file: ${attachment.name}\n${fence}\n${text}\n${fence}`;
}

/**
 * The content of a user message with files. `readBytes` gives an image's
 * stored bytes by id. Without files the typed text is sent as it is.
 */
export function messageContent(
  content: string,
  attachments: readonly MessageAttachment[],
  readBytes: (id: string) => Uint8Array,
): string | ContentPart[] {
  if (attachments.length === 0) return content;
  const parts: ContentPart[] = [];
  if (content.trim() !== '') parts.push({ type: 'text', text: content });
  for (const attachment of attachments) {
    if (attachment.kind === 'image') {
      parts.push({
        type: 'image',
        mimeType: attachment.mimeType,
        base64: Buffer.from(readBytes(attachment.sha256)).toString('base64'),
        payload: {
          id: attachment.sha256,
          name: attachment.name,
          mimeType: attachment.mimeType,
          bytes: attachment.bytes,
        },
      });
    } else {
      parts.push({ type: 'text', text: fileTextPart(attachment) });
    }
  }
  return parts;
}
