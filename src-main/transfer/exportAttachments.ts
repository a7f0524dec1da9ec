/**
 * Attachments in an export: read with their message, and written either inside
 * the JSON as base64 or as files in a folder beside the export (`<name>-files/`),
 * which Markdown links to. File names in the folder start with the content hash,
 * so two files of the same name never collide and the same file is written once.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { toStored, type AttachmentRow, type MessageAttachment } from '../history/AttachmentStore';
import { openedCopyName } from '../attachments/AttachmentService';
import type { BlobStore } from '../attachments/BlobStore';
import { writeFileAtomically } from '../common/writeFileAtomically';
import type { HistoryDatabase } from '../history/database';

/** One attachment of an exported message: as stored, with its bytes inside (`data`) or beside (`file`). */
export interface ExportedAttachment extends MessageAttachment {
  /** The bytes in base64, when embedded. */
  data?: string;
  /** Where the bytes are, relative to the export file, when written to the folder beside it. */
  file?: string;
}

/** How attachments are written: embedded in JSON, or as files in a folder beside the export. */
export interface AttachmentOutput {
  mode: 'embed' | 'folder';
  blobs: Pick<BlobStore, 'read'>;
  /** The export file's path; the folder is beside it. */
  exportPath: string;
}

/** The folder beside an export: `history.json` → `history-files`. */
export function attachmentFolderFor(exportPath: string): string {
  const name = basename(exportPath, extname(exportPath));
  return join(dirname(exportPath), `${name}-files`);
}

interface LinkRow extends AttachmentRow {
  message_id: string;
  name: string;
}

/** Reads a conversation's attachments, by message id, in order. */
export function readConversationAttachments(
  db: HistoryDatabase,
  conversationId: string,
): Map<string, ExportedAttachment[]> {
  const rows = db
    .prepare(
      `SELECT ma.message_id, ma.name, a.sha256, a.kind, a.mime_type, a.bytes, a.width, a.height, a.pages, a.text
       FROM message_attachments ma JOIN attachments a ON a.sha256 = ma.sha256
       JOIN messages m ON m.id = ma.message_id WHERE m.conversation_id = ? ORDER BY ma.message_id, ma.position`,
    )
    .all(conversationId) as LinkRow[];
  const byMessage = new Map<string, ExportedAttachment[]>();
  for (const row of rows) {
    const list = byMessage.get(row.message_id) ?? [];
    list.push({ name: row.name, ...toStored(row) });
    byMessage.set(row.message_id, list);
  }
  return byMessage;
}

/** Writes attachments as `output` says, once per file; returns them with `data` or `file` set. */
export class AttachmentWriter {
  private readonly written = new Set<string>();
  private readonly folder: string;

  constructor(private readonly output: AttachmentOutput) {
    this.folder = attachmentFolderFor(output.exportPath);
  }

  /** For JSON: embedded or written to the folder, as chosen. */
  forJson(attachment: ExportedAttachment): ExportedAttachment {
    if (this.output.mode === 'embed') {
      return { ...attachment, data: this.output.blobs.read(attachment.sha256).toString('base64') };
    }
    return { ...attachment, file: this.toFolder(attachment) };
  }

  /** For Markdown: always written to the folder; answers the relative link. */
  toFolder(attachment: ExportedAttachment): string {
    const fileName = `${attachment.sha256.slice(0, 12)}-${openedCopyName(attachment.name, attachment)}`;
    if (!this.written.has(fileName)) {
      mkdirSync(this.folder, { recursive: true });
      const path = join(this.folder, fileName);
      if (!existsSync(path)) writeFileAtomically(path, this.output.blobs.read(attachment.sha256));
      this.written.add(fileName);
    }
    return `${basename(this.folder)}/${fileName}`;
  }
}
