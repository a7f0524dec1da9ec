/** The second line of an attachment's chip: pages for a PDF (and whether it is a scan), else its size. */
import type { AttachmentView } from '../../../src-preload/contract';
import { formatBytes } from '../composables/useComposerAttachments';

type Translate = (key: string, count?: number) => string;

export function attachmentDetail(file: AttachmentView, t: Translate): string {
  if (file.kind === 'pdf') {
    const pages = t('attachments.pages', file.pages ?? 0);
    return file.textChars === 0 ? `${pages} · ${t('attachments.scan')}` : `${pages} · ${formatBytes(file.bytes)}`;
  }
  return formatBytes(file.bytes);
}
