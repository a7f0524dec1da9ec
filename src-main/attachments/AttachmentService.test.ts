import { existsSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { moveDatabaseAside, movedAsideHistories } from '../history/database';
import { makeClock, makeTempDir, openStore, useFreshStore } from '../history/testSupport';
import { AttachmentService, GARBAGE_GRACE_MS, openedCopyName } from './AttachmentService';
import { BlobStore, sha256Of } from './BlobStore';
import { fileTextPart, messageContent } from './contentParts';
import { extractPdfText } from './pdfText';
import { makeTestPdf } from './testing/makePdf';
import { makeTestPng } from './testing/makeTestPng';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('AttachmentService on a real folder and database', () => {
  const fresh = useFreshStore();

  function setUp() {
    const store = fresh.current;
    const blobs = new BlobStore(join(makeTempDir(), 'attachments'));
    const opened: string[] = [];
    const service = new AttachmentService({
      store: () => store.attachments,
      blobs,
      readPdf: extractPdfText,
      dialogs: { chooseSavePath: async () => null },
      historyAside: () => false,
      openPath: async (path) => void opened.push(path),
      openedCopiesDir: makeTempDir(),
      now: store.clock.now,
    });
    return { store, blobs, service, opened };
  }

  it('keeps the same bytes once, under their SHA-256, whatever they are called', async () => {
    const { blobs, service } = setUp();
    const png = makeTestPng(64, 48);
    const first = await service.add({ name: 'screenshot.png', bytes: png });
    const second = await service.add({ name: 'もう一度.png', bytes: png });
    expect(first.id).toBe(sha256Of(png));
    expect(second.id).toBe(first.id);
    expect(second.name).toBe('もう一度.png');
    expect(first).toMatchObject({ kind: 'image', mimeType: 'image/png', width: 64, height: 48 });
    expect(readdirSync(blobs.directory)).toEqual([first.id]);
    expect(service.read(first.id)).toEqual(png);
  });

  it('decides by the bytes: a PNG named .txt is an image, text named .png is text, SVG is text, binary is refused', async () => {
    const { service } = setUp();
    expect(await service.add({ name: 'notes.txt', bytes: makeTestPng(8, 8) })).toMatchObject({ kind: 'image' });
    expect(await service.add({ name: 'photo.png', bytes: utf8('# 見出し\nただのテキスト') })).toMatchObject({
      kind: 'text',
      textChars: 13,
    });
    const svg = await service.add({ name: 'logo.svg', bytes: utf8('<svg xmlns="http://www.w3.org/2000/svg"/>') });
    expect(svg.kind).toBe('text');
    await expect(
      service.add({ name: 'data.log', bytes: new Uint8Array([0, 1, 2, 255, 0, 7, 0]) }),
    ).rejects.toMatchObject({ code: 'attachment_invalid', facts: { reason: 'file_unsupported', file: 'data.log' } });
    await expect(service.add({ name: 'empty.txt', bytes: new Uint8Array() })).rejects.toMatchObject({
      code: 'attachment_invalid',
      facts: { reason: 'file_empty', file: 'empty.txt' },
    });
  });

  it('reads a PDF page by page, and says when a PDF has no text (a scan)', async () => {
    const { service, store } = setUp();
    const pdf = await service.add({
      name: 'report.pdf',
      bytes: makeTestPdf([['Quarterly report', 'Rivers rose'], ['Page two here']]),
    });
    expect(pdf).toMatchObject({ kind: 'pdf', pages: 2 });
    const stored = store.attachments.get(pdf.id);
    expect(stored?.text).toContain('--- Page 1 ---\nQuarterly report');
    expect(stored?.text).toContain('--- Page 2 ---\nPage two here');

    const scan = await service.add({ name: 'scan.pdf', bytes: makeTestPdf([null]) });
    expect(scan).toMatchObject({ kind: 'pdf', pages: 1, textChars: 0 });
    expect(fileTextPart({ ...store.attachments.get(scan.id)!, name: 'scan.pdf' })).toContain('no text layer');
  });

  it('removes files no message refers to once their grace period is over, and keeps the rest', async () => {
    const { store, blobs, service } = setUp();
    const kept = await service.add({ name: 'kept.txt', bytes: utf8('kept') });
    const dropped = await service.add({ name: 'dropped.txt', bytes: utf8('dropped') });
    const turn = store.repo.beginTurn({
      conversationId: null,
      mode: 'send',
      content: 'with a file',
      model: 'm',
      attachments: [{ id: kept.id, name: kept.name }],
    });
    // A stray half-written file from a crash.
    writeFileSync(join(blobs.directory, 'tmp-123'), 'partial');
    utimesSync(join(blobs.directory, 'tmp-123'), 0, 0);

    expect(service.collectGarbage()).toBe(1);
    expect(blobs.has(dropped.id)).toBe(true); // still in its grace period
    store.clock.advance(GARBAGE_GRACE_MS + 1);
    expect(service.collectGarbage()).toBe(1);
    expect(blobs.has(dropped.id)).toBe(false);
    expect(blobs.has(kept.id)).toBe(true);

    // Deleting the conversation keeps the file through the undo window, then it goes.
    store.repo.deleteConversation(turn.conversation.id);
    expect(service.collectGarbage()).toBe(0);
    store.clock.advance(60_000);
    store.repo.purgeExpiredDeletes();
    expect(service.collectGarbage()).toBe(1);
    expect(blobs.has(kept.id)).toBe(false);
    expect(existsSync(join(blobs.directory, 'tmp-123'))).toBe(false);
  });

  it('keeps files a draft refers to past their grace period, and lets them go once the draft does', async () => {
    const { store, blobs, service } = setUp();
    const screenshot = await service.add({ name: 'screen.png', bytes: makeTestPng(32, 16) });
    const notes = await service.add({ name: 'notes.md', bytes: utf8('# 議事録') });
    const conversation = store.repo.createConversation({ title: 'Has a draft' });
    store.drafts.set('new', { attachments: [{ id: screenshot.id, name: screenshot.name }] });
    store.drafts.set(conversation.id, { text: 'later', attachments: [{ id: notes.id, name: notes.name }] });
    store.clock.advance(GARBAGE_GRACE_MS + 1);
    expect(service.collectGarbage()).toBe(0);
    expect(blobs.has(screenshot.id) && blobs.has(notes.id)).toBe(true);

    // Removed from the composer: the new chat's file goes, the other draft's stays.
    store.drafts.set('new', { attachments: [] });
    expect(service.collectGarbage()).toBe(1);
    expect(blobs.has(screenshot.id)).toBe(false);
    expect(store.drafts.get(conversation.id).attachments.map((file) => file.id)).toEqual([notes.id]);

    // Its conversation deleted for good: the draft goes with it, and so does its file.
    store.repo.deleteConversation(conversation.id);
    store.clock.advance(60_000);
    store.repo.purgeExpiredDeletes();
    expect(service.collectGarbage()).toBe(1);
    expect(blobs.has(notes.id)).toBe(false);
  });

  it('lets go of the files of a message deleted on its own once its undo window ends', async () => {
    const { store, blobs, service } = setUp();
    const file = await service.add({ name: 'notes.txt', bytes: utf8('river notes') });
    const turn = store.repo.beginTurn({
      conversationId: null,
      mode: 'send',
      content: 'see the file',
      model: 'm',
      attachments: [{ id: file.id, name: file.name }],
    });
    const { reply } = turn;
    store.repo.finishMessage(reply.id, { status: 'complete', content: 'read it' });
    store.repo.deleteMessage(turn.userMessage!.id, 'message');
    store.clock.advance(GARBAGE_GRACE_MS + 1);
    expect(service.collectGarbage()).toBe(0);

    store.repo.purgeExpiredDeletes();
    expect(service.collectGarbage()).toBe(1);
    expect(blobs.has(file.id)).toBe(false);
    const indexed = store.opened.db
      .prepare(`SELECT count(*) AS n FROM messages_fts WHERE messages_fts MATCH '"river notes"'`)
      .get() as { n: number };
    expect(indexed.n).toBe(0);
    expect(store.repo.getMessage(reply.id).content).toBe('read it');
  });

  it('opens a copy under a name that matches its bytes and never runs', async () => {
    const { service, opened } = setUp();
    const script = await service.add({ name: 'run.sh', bytes: utf8('rm -rf ~') });
    await service.open({ id: script.id, name: 'run.sh' });
    expect(opened[0]?.endsWith('run.sh.txt')).toBe(true);
    expect(openedCopyName('photo.txt', { kind: 'image', mimeType: 'image/jpeg' })).toBe('photo.txt.jpg');
    expect(openedCopyName('a:b/c.md', { kind: 'text', mimeType: 'text/plain' })).toBe('a_b_c.md');
  });

  it('builds content parts: the typed text, then each file in order', () => {
    const png = makeTestPng(4, 4);
    const parts = messageContent(
      'What is this?',
      [
        {
          sha256: sha256Of(png),
          name: 'a.png',
          kind: 'image',
          mimeType: 'image/png',
          bytes: png.byteLength,
          width: 4,
          height: 4,
          pages: null,
          text: null,
        },
        {
          sha256: 'b'.repeat(64),
          name: 'code.md',
          kind: 'text',
          mimeType: 'text/plain',
          bytes: 10,
          width: null,
          height: null,
          pages: null,
          text: 'has ``` fences',
        },
      ],
      () => png,
    );
    expect(parts).toEqual([
      { type: 'text', text: 'What is this?' },
      expect.objectContaining({ type: 'image', mimeType: 'image/png', base64: Buffer.from(png).toString('base64') }),
      { type: 'text', text: 'Attached file: code.md\n````\nhas ``` fences\n````' },
    ]);
    expect(messageContent('plain', [], () => png)).toBe('plain');
  });
});

describe('garbage collection beside a damaged history moved aside', () => {
  it('removes nothing while the moved-aside file is there, and collects again once the user has dealt with it', async () => {
    const dir = makeTempDir();
    const clock = makeClock();
    let store = openStore(dir, clock);
    const blobs = new BlobStore(join(dir, 'attachments'));
    const service = new AttachmentService({
      store: () => store.attachments,
      blobs,
      readPdf: extractPdfText,
      dialogs: { chooseSavePath: async () => null },
      historyAside: () => movedAsideHistories(dir).length > 0,
      openPath: async () => undefined,
      openedCopiesDir: makeTempDir(),
      now: clock.now,
    });
    try {
      const photo = await service.add({ name: 'photo.png', bytes: makeTestPng(20, 10) });
      const unsent = await service.add({ name: 'unsent.md', bytes: utf8('draft only') });
      store.repo.beginTurn({
        conversationId: null,
        mode: 'send',
        content: 'a photo',
        model: 'm',
        attachments: [{ id: photo.id, name: photo.name }],
      });
      store.drafts.set('new', { attachments: [{ id: unsent.id, name: unsent.name }] });

      // The health check found the file damaged: it is moved aside with its log, and a fresh one opened.
      store.close();
      const aside = moveDatabaseAside(store.opened.path, clock.now());
      writeFileSync(`${aside}-wal`, 'log kept beside it');
      store = openStore(dir, clock);
      expect(movedAsideHistories(dir)).toEqual([aside]);

      // Long ago, as far as the file system can tell: the fresh history does not know these files.
      clock.advance(GARBAGE_GRACE_MS + 1);
      for (const id of [photo.id, unsent.id]) utimesSync(blobs.pathOf(id), 0, 0);
      expect(service.collectGarbage()).toBe(0);
      expect(blobs.has(photo.id) && blobs.has(unsent.id)).toBe(true);

      // The user removed the damaged file: nothing refers to either file any more, so both go.
      rmSync(aside);
      rmSync(`${aside}-wal`);
      expect(service.collectGarbage()).toBe(2);
      expect(blobs.has(photo.id) || blobs.has(unsent.id)).toBe(false);
    } finally {
      store.close();
    }
  });
});
