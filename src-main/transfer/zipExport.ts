/**
 * ChatGPT's export `.zip`, read as it is, with yauzl (streaming, no native
 * code): the central directory is read once for the list of entries, then
 * `conversations.json` is streamed to the importer and each image a message
 * points to (`file-…` entries) is read when its conversation is imported.
 * Nothing is unpacked to disk.
 */
import { basename } from 'node:path';
import type { Readable } from 'node:stream';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { ATTACHMENT_LIMITS } from '../../src-preload/contract/types';
import { AppError } from '../common/AppError';

/** True when a file starts like a zip archive. */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

/** An open export archive. Close it when done. */
export class ZipExport {
  private constructor(
    private readonly zip: ZipFile,
    private readonly entries: Entry[],
    /** `conversations.json`, at the top or in one folder. */
    readonly conversations: Entry,
  ) {}

  /** Opens an archive and lists it. @throws AppError `import_invalid` for a damaged zip or one without conversations.json */
  static async open(path: string): Promise<ZipExport> {
    let zip: ZipFile;
    try {
      zip = await yauzl.openPromise(path, { lazyEntries: true, autoClose: false });
    } catch (error) {
      throw new AppError(
        'import_invalid',
        `The zip file is damaged: ${(error as Error).message}. Nothing was imported.`,
      );
    }
    const entries: Entry[] = [];
    try {
      await new Promise<void>((resolve, reject) => {
        zip.on('entry', (entry: Entry) => {
          entries.push(entry);
          zip.readEntry();
        });
        zip.once('end', resolve);
        zip.once('error', reject);
        zip.readEntry();
      });
    } catch (error) {
      zip.close();
      throw new AppError(
        'import_invalid',
        `The zip file is damaged: ${(error as Error).message}. Nothing was imported.`,
      );
    }
    const conversations = entries
      .filter((entry) => basename(entry.fileName) === 'conversations.json')
      .sort((a, b) => a.fileName.length - b.fileName.length)[0];
    if (!conversations) {
      zip.close();
      throw new AppError(
        'import_invalid',
        'The zip file has no conversations.json: it is not a ChatGPT export. Nothing was imported.',
      );
    }
    return new ZipExport(zip, entries, conversations);
  }

  /** Streams an entry's bytes, inflated. */
  stream(entry: Entry): Promise<Readable> {
    return this.zip.openReadStreamPromise(entry);
  }

  /**
   * The bytes of the file an `image_asset_pointer` names: the entry whose name
   * starts with the asset id (`file-abc…-IMG_2041.jpeg`, `file_00…-….png`).
   * Null when the export does not hold it, or it is larger than an attachment can be.
   */
  async asset(id: string): Promise<Uint8Array | null> {
    const entry = this.entries.find((candidate) => {
      const name = basename(candidate.fileName);
      return name.startsWith(id) && (name.length === id.length || '-_.'.includes(name[id.length]!));
    });
    if (!entry || entry.uncompressedSize > ATTACHMENT_LIMITS.fileBytes) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of await this.stream(entry)) chunks.push(chunk as Buffer);
    return new Uint8Array(Buffer.concat(chunks));
  }

  close(): void {
    this.zip.close();
  }
}
