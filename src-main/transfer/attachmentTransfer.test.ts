import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AttachmentService } from '../attachments/AttachmentService';
import { BlobStore, sha256Of } from '../attachments/BlobStore';
import { extractPdfText } from '../attachments/pdfText';
import { makeTestPdf } from '../attachments/testing/makePdf';
import { makeTestPng } from '../attachments/testing/makeTestPng';
import { makeTempDir, openStore, useFreshStore } from '../history/testSupport';
import { chatGptConversationWithPhotos } from './testing/chatGptWithPhotos';
import { makeZip } from './testing/makeZip';
import { runTransferJob, type JobControl } from './transferJobs';

const fresh = useFreshStore();

function control(): JobControl {
  let next = 0;
  return {
    isCancelled: () => false,
    onProgress: () => undefined,
    now: () => Date.UTC(2025, 5, 1),
    newId: () => `job-${++next}`,
    yieldToMain: () => undefined,
  };
}

/** A conversation whose question carries a photo, a text file and a PDF. */
async function seedWithFiles() {
  const store = fresh.current;
  const blobs = new BlobStore(join(makeTempDir(), 'attachments'));
  const service = new AttachmentService({
    store: () => store.attachments,
    blobs,
    readPdf: extractPdfText,
    dialogs: { chooseSavePath: async () => null },
    historyAside: () => false,
    openPath: async () => undefined,
    openedCopiesDir: makeTempDir(),
    now: store.clock.now,
  });
  const png = makeTestPng(20, 10);
  const files = [
    await service.add({ name: '写真 (1).png', bytes: png }),
    await service.add({ name: 'notes.md', bytes: new TextEncoder().encode('# 川\n水位') }),
    await service.add({ name: 'report.pdf', bytes: makeTestPdf([['Quarterly rivers']]) }),
  ];
  const turn = store.repo.beginTurn({
    conversationId: null,
    mode: 'send',
    content: 'Look at these',
    model: 'm',
    attachments: files.map(({ id, name }) => ({ id, name })),
  });
  store.repo.finishMessage(turn.reply.id, { status: 'complete', content: 'Seen.' });
  return { store, blobs, png, files, conversationId: turn.conversation.id };
}

describe('attachments through export and import', () => {
  for (const mode of ['embed', 'folder'] as const) {
    it(`a Nagare JSON round trip (${mode}) keeps every file, its name, its text and its search`, async () => {
      const { store, blobs, files } = await seedWithFiles();
      const folder = makeTempDir();
      const filePath = join(folder, 'history.json');
      await runTransferJob(
        {
          kind: 'export',
          databasePath: store.opened.path,
          filePath,
          conversationId: null,
          format: 'json',
          attachmentsDir: blobs.directory,
          attachments: mode,
        },
        control(),
      );
      const written = readFileSync(filePath, 'utf8');
      if (mode === 'embed') {
        expect(written).toContain(blobs.read(files[0]!.id).toString('base64'));
        expect(readdirSync(folder)).toEqual(['history.json']);
      } else {
        expect(written).not.toContain(blobs.read(files[0]!.id).toString('base64'));
        expect(readdirSync(join(folder, 'history-files')).sort()).toHaveLength(3);
      }

      // Into another database and another attachment folder, as on another computer.
      const other = openStore();
      const otherBlobs = new BlobStore(join(makeTempDir(), 'attachments'));
      try {
        const report = await runTransferJob(
          {
            kind: 'import',
            databasePath: other.opened.path,
            filePath,
            importId: 'round-trip',
            attachmentsDir: otherBlobs.directory,
          },
          control(),
        );
        expect(report).toMatchObject({ conversationsAdded: 1, messagesAdded: 2 });
        const conversation = other.repo.listConversations({}).items[0]!;
        const question = other.repo.openConversation({ conversationId: conversation.id }).messages[0]!;
        expect(question.attachments.map(({ name, kind }) => ({ name, kind }))).toEqual([
          { name: '写真 (1).png', kind: 'image' },
          { name: 'notes.md', kind: 'text' },
          { name: 'report.pdf', kind: 'pdf' },
        ]);
        for (const file of files) expect(otherBlobs.read(file.id)).toEqual(blobs.read(file.id));
        expect(other.attachments.get(files[2]!.id)?.text).toContain('Quarterly rivers');
        // Search covers file names and their text.
        expect(other.repo.search('Quarterly', 10).map((hit) => hit.messageId)).toEqual([question.id]);
        expect(other.repo.search('notes.md', 10).map((hit) => hit.messageId)).toEqual([question.id]);
      } finally {
        other.close();
      }
    });
  }

  it('Markdown links to a folder beside it: images inline, other files as links', async () => {
    const { store, blobs } = await seedWithFiles();
    const folder = makeTempDir();
    const filePath = join(folder, 'chat.md');
    await runTransferJob(
      {
        kind: 'export',
        databasePath: store.opened.path,
        filePath,
        conversationId: null,
        format: 'markdown',
        attachmentsDir: blobs.directory,
      },
      control(),
    );
    const markdown = readFileSync(filePath, 'utf8');
    const files = readdirSync(join(folder, 'chat-files')).sort();
    expect(files).toHaveLength(3);
    const image = files.find((name) => name.endsWith('.png'))!;
    expect(markdown).toContain(`![写真 (1).png](chat-files/${image.replace(/[ ()]/g, encodeURIComponent)})`);
    expect(markdown).toMatch(/- \[notes\.md\]\(chat-files\/[0-9a-f]{12}-notes\.md\)/);
  });

  it('imports ChatGPT’s export zip as it is, with the images its messages point to', async () => {
    const store = fresh.current;
    const photo = makeTestPng(30, 20);
    const conversations = [
      chatGptConversationWithPhotos({
        id: 'zip-1',
        title: '写真について',
        question: 'What is in this photo?',
        answer: 'A gradient.',
        photos: [
          { assetId: 'file-Abc123', name: 'IMG_2041.png' },
          { assetId: 'file-Missing', name: null },
        ],
      }),
    ];
    const filePath = join(makeTempDir(), 'chatgpt-export.zip');
    writeFileSync(
      filePath,
      makeZip([
        ['chat.html', '<html></html>'],
        ['conversations.json', JSON.stringify(conversations)],
        ['file-Abc123-IMG_2041.png', photo],
        ['file-Abc1234-other.png', makeTestPng(5, 5)],
      ]),
    );
    const blobs = new BlobStore(join(makeTempDir(), 'attachments'));
    const report = await runTransferJob(
      { kind: 'import', databasePath: store.opened.path, filePath, importId: 'zip', attachmentsDir: blobs.directory },
      control(),
    );
    expect(report).toMatchObject({ conversationsAdded: 1, messagesAdded: 2 });
    const conversation = store.repo.listConversations({}).items[0]!;
    const question = store.repo.openConversation({ conversationId: conversation.id }).messages[0]!;
    expect(question.attachments).toEqual([
      expect.objectContaining({ id: sha256Of(photo), name: 'IMG_2041.png', kind: 'image', width: 30, height: 20 }),
    ]);
    expect(blobs.read(sha256Of(photo))).toEqual(Buffer.from(photo));
    // One image was not in the zip: its placeholder stays, so nothing is silently lost.
    expect(question.content).toContain('[image]');
    expect(question.content).toContain('What is in this photo?');
  });

  it('refuses a zip without conversations.json, and a damaged zip, with nothing imported', async () => {
    const store = fresh.current;
    const folder = makeTempDir();
    const empty = join(folder, 'photos.zip');
    writeFileSync(empty, makeZip([['a.png', makeTestPng(2, 2)]]));
    const broken = join(folder, 'broken.zip');
    writeFileSync(broken, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(40, 7)]));
    for (const filePath of [empty, broken]) {
      await expect(
        runTransferJob({ kind: 'import', databasePath: store.opened.path, filePath, importId: 'x' }, control()),
      ).rejects.toMatchObject({ code: 'import_invalid' });
    }
    expect(store.repo.listConversations({}).items).toEqual([]);
  });
});
