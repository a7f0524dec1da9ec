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

/** Exports the whole history as Nagare JSON, its files embedded or in a folder beside it. */
async function exportJson(databasePath: string, blobs: BlobStore, filePath: string, mode: 'embed' | 'folder') {
  await runTransferJob(
    {
      kind: 'export',
      databasePath,
      filePath,
      conversationId: null,
      format: 'json',
      attachmentsDir: blobs.directory,
      attachments: mode,
    },
    control(),
  );
}

describe('attachments through export and import', () => {
  for (const mode of ['embed', 'folder'] as const) {
    it(`a Nagare JSON round trip (${mode}) keeps every file, its name, its text and its search`, async () => {
      const { store, blobs, files } = await seedWithFiles();
      const folder = makeTempDir();
      const filePath = join(folder, 'history.json');
      await exportJson(store.opened.path, blobs, filePath, mode);
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

  it('reads the text of an imported PDF that came without it, so search finds it', async () => {
    const { store, blobs, files } = await seedWithFiles();
    const filePath = join(makeTempDir(), 'history.json');
    await exportJson(store.opened.path, blobs, filePath, 'embed');
    // As a hand-made or older file has it: the PDF's bytes, but no text and no page count.
    const exported = JSON.parse(readFileSync(filePath, 'utf8')) as {
      conversations: Array<{ messages: Array<{ attachments?: Array<Record<string, unknown>> }> }>;
    };
    const pdfEntry = exported.conversations[0]!.messages.flatMap((message) => message.attachments ?? [])[2]!;
    expect(pdfEntry['name']).toBe('report.pdf');
    delete pdfEntry['text'];
    delete pdfEntry['pages'];
    writeFileSync(filePath, JSON.stringify(exported));

    const other = openStore();
    try {
      await runTransferJob(
        {
          kind: 'import',
          databasePath: other.opened.path,
          filePath,
          importId: 'no-text',
          attachmentsDir: join(makeTempDir(), 'attachments'),
        },
        control(),
      );
      const stored = other.attachments.get(files[2]!.id);
      expect(stored).toMatchObject({ kind: 'pdf', pages: 1 });
      expect(stored?.text).toContain('--- Page 1 ---\nQuarterly rivers');
      const question = other.repo.openConversation({
        conversationId: other.repo.listConversations({}).items[0]!.id,
      }).messages[0]!;
      expect(other.repo.search('Quarterly', 10).map((hit) => hit.messageId)).toEqual([question.id]);
    } finally {
      other.close();
    }
  });

  it('attaches a PDF uploaded to ChatGPT from its zip, with its text read; a file Nagare cannot attach keeps its placeholder', async () => {
    const store = fresh.current;
    const pdf = makeTestPdf([['River levels 2024'], ['Second page']]);
    const uploaded = (id: string, name: string, mimeType: string) => ({ id, name, mime_type: mimeType });
    const conversations = [
      chatGptConversationWithPhotos({
        id: 'zip-pdf',
        title: 'レポート',
        question: 'Summarise the report',
        answer: 'It says the rivers rose.',
        photos: [],
      }),
      chatGptConversationWithPhotos({
        id: 'zip-docx',
        title: 'Word',
        question: 'And this one?',
        answer: 'I cannot tell.',
        photos: [],
      }),
    ];
    const metadataOf = (conversation: Record<string, unknown>) =>
      ((conversation['mapping'] as Record<string, { message: Record<string, unknown> }>)['q']!.message['metadata'] =
        {}) as Record<string, unknown>;
    metadataOf(conversations[0]!)['attachments'] = [uploaded('file-Pdf001', 'report.pdf', 'application/pdf')];
    metadataOf(conversations[1]!)['attachments'] = [uploaded('file-Doc001', 'plan.docx', 'application/msword')];
    const filePath = join(makeTempDir(), 'chatgpt-export.zip');
    writeFileSync(
      filePath,
      makeZip([
        ['conversations.json', JSON.stringify(conversations)],
        ['file-Pdf001-report.pdf', pdf],
        ['file-Doc001-plan.docx', new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0xff, 0xfe])],
      ]),
    );
    const blobs = new BlobStore(join(makeTempDir(), 'attachments'));
    await runTransferJob(
      {
        kind: 'import',
        databasePath: store.opened.path,
        filePath,
        importId: 'zip-pdf',
        attachmentsDir: blobs.directory,
      },
      control(),
    );
    const questionOf = (title: string) => {
      const conversation = store.repo.listConversations({}).items.find((item) => item.title === title)!;
      return store.repo.openConversation({ conversationId: conversation.id }).messages[0]!;
    };
    const summarise = questionOf('レポート');
    expect(summarise.content).toBe('Summarise the report');
    expect(summarise.attachments).toEqual([
      expect.objectContaining({ id: sha256Of(pdf), name: 'report.pdf', kind: 'pdf', pages: 2 }),
    ]);
    expect(store.attachments.get(sha256Of(pdf))?.text).toContain('--- Page 2 ---\nSecond page');
    expect(store.repo.search('River levels', 10).map((hit) => hit.messageId)).toEqual([summarise.id]);

    const word = questionOf('Word');
    expect(word.attachments).toEqual([]);
    expect(word.content).toBe('[file: plan.docx]\n\nAnd this one?');
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
