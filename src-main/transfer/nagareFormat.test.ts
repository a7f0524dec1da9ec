import { beforeEach, describe, expect, it } from 'vitest';
import { useFreshStore, openStore, type TestStore } from '../history/testSupport';
import type { NagareExport } from './nagareFormat';
import { databaseDigest, exportText, importFailure, importInto, sampleStreamLog } from './testSupport';

const fresh = useFreshStore();
let store: TestStore;
beforeEach(() => {
  store = fresh.current;
});

function seed() {
  const conversation = store.repo.createConversation({ model: 'gpt-4o', systemPrompt: 'Be kind.' });
  const q = store.repo.addUserMessage(conversation.id, null, 'What is 2+2? 日本語 🍣');
  const a1 = store.repo.beginAssistantMessage(conversation.id, q.id, 'gpt-4o');
  store.repo.finishMessage(a1.id, {
    status: 'complete',
    content: 'Four.',
    reasoning: 'Add.',
    usage: { totalTokens: 9 },
  });
  const a2 = store.repo.beginAssistantMessage(conversation.id, q.id, 'gpt-4o');
  store.repo.finishMessage(a2.id, { status: 'error', content: '4', error: { code: 'network', message: 'Lost' } });
  const log = sampleStreamLog();
  store.streamLogs.save(a2.id, {
    ...log,
    request: { ...log.request, body: 'SECRET-BODY', headers: { authorization: 'Bearer sk-secret' } },
  });
  store.drafts.set(conversation.id, { text: 'draft text' });
  store.repo.setPinned(conversation.id, true);
  const empty = store.repo.createConversation({ title: 'Empty one' });
  return { conversation, q, a1, a2, empty };
}

/** The export without the moment it was made, which is the only thing two exports of one history may differ in. */
const timeless = (text: string) => ({ ...(JSON.parse(text) as NagareExport), exportedAt: 0 });

describe('Nagare JSON export', () => {
  it('holds every branch and field, but never stream logs or drafts', async () => {
    const { conversation, a2 } = seed();
    const text = await exportText(store, 'json', conversation.id);
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('draft text');
    const file = JSON.parse(text) as NagareExport;
    expect(file).toMatchObject({ format: 'nagare', version: 1 });
    expect(file.conversations).toHaveLength(1);
    expect(file.conversations[0]).toMatchObject({
      id: conversation.id,
      systemPrompt: 'Be kind.',
      activeLeafId: a2.id,
      pinned: true,
    });
    expect(file.conversations[0]?.messages.map((m) => [m.content, m.parentId === null, m.status])).toEqual([
      ['What is 2+2? 日本語 🍣', true, 'complete'],
      ['Four.', false, 'complete'],
      ['4', false, 'error'],
    ]);
    expect(JSON.parse(await exportText(store, 'json'))).toMatchObject({
      conversations: [{}, { title: 'Empty one', messages: [] }],
    });
  });

  it('exports readable Markdown of the active branch', async () => {
    seed();
    const markdown = await exportText(store, 'markdown');
    expect(markdown).toContain('# What is 2+2? 日本語 🍣');
    expect(markdown).toMatch(/\*\*You\*\* · 2025-01-01 00:00 UTC\n\nWhat is 2\+2\? 日本語 🍣/);
    expect(markdown).toMatch(/\*\*Assistant\*\* · gpt-4o · 2025-01-01 00:00 UTC · error\n\n4\n/);
    expect(markdown).not.toContain('Four.');
    expect(markdown).toContain('Be kind.');
    expect(markdown).toContain('\n---\n\n# Empty one');
    expect(markdown).not.toContain('SECRET');
    await expect(exportText(store, 'markdown', 'missing-id')).rejects.toMatchObject({ code: 'missing' });
  });
});

describe('Nagare JSON import', () => {
  it('round-trips into another database identically, and adds nothing the second time', async () => {
    seed();
    const text = await exportText(store, 'json');
    const other = openStore();
    try {
      expect(await importInto(other, text)).toMatchObject({
        conversationsAdded: 2,
        messagesAdded: 3,
        alreadyPresent: 0,
      });
      expect(timeless(await exportText(other, 'json'))).toEqual(timeless(text));
      const digest = databaseDigest(other.opened.db);
      expect(await importInto(other, text, { importId: 'again' })).toMatchObject({
        conversationsAdded: 0,
        alreadyPresent: 2,
      });
      expect(databaseDigest(other.opened.db)).toBe(digest);
    } finally {
      other.close();
    }
    // Into the database it came from: everything is already there.
    const digest = databaseDigest(store.opened.db);
    expect(await importInto(store, text)).toMatchObject({ conversationsAdded: 0, messagesAdded: 0, alreadyPresent: 2 });
    expect(databaseDigest(store.opened.db)).toBe(digest);
  });

  it('brings a message deleted on its own back as the same marker, kept out of what the model is sent', async () => {
    const { conversation, q, a1 } = seed();
    store.repo.deleteMessage(q.id, 'message');
    const text = await exportText(store, 'json', conversation.id);
    const other = openStore();
    try {
      await importInto(other, text);
      const opened = other.repo.openConversation({ conversationId: conversation.id }).messages;
      expect(opened.find((m) => m.id === q.id)).toMatchObject({ deleted: true, content: '' });
      expect(other.repo.buildContext(a1.id).map((m) => m.content)).toEqual(['Four.']);
      expect(timeless(await exportText(other, 'json', conversation.id))).toEqual(timeless(text));
    } finally {
      other.close();
    }
  });

  it('refuses a newer version or a foreign object whole, as soon as it says so', async () => {
    seed();
    const file = JSON.parse(await exportText(store, 'json')) as NagareExport;
    const fresh = openStore();
    try {
      const before = databaseDigest(fresh.opened.db);
      expect((await importFailure(fresh, { ...file, version: 2 })).message).toMatch(/newer version of Nagare/);
      expect((await importFailure(fresh, { ...file, format: 'other' })).code).toBe('import_invalid');
      // The header may come last; the conversations before it are staged, then dropped.
      const { format: _format, version: _version, ...rest } = file;
      expect((await importFailure(fresh, { ...rest, version: 1 })).code).toBe('import_invalid');
      expect((await importFailure(fresh, { ...rest, format: 'nagare' })).message).toMatch(/version is missing/);
      expect(databaseDigest(fresh.opened.db)).toBe(before);
      expect(
        await importInto(fresh, { conversations: file.conversations, exportedAt: 1, version: 1, format: 'nagare' }),
      ).toMatchObject({
        conversationsAdded: 2,
      });
    } finally {
      fresh.close();
    }
  });

  it('skips and names damaged conversations, dangling parents and loops, importing the rest', async () => {
    seed();
    const file = JSON.parse(await exportText(store, 'json')) as NagareExport;
    const [conversation] = file.conversations;
    const [m0, m1, m2] = conversation!.messages;
    const fresh = openStore();
    try {
      const report = await importInto(fresh, {
        ...file,
        conversations: [
          { ...conversation, id: 'dangling', title: 'Dangling', messages: [m0, { ...m1, parentId: 'nowhere' }] },
          { ...conversation, id: 'loop', title: 'Loop', messages: [{ ...m0, parentId: m1!.id }, m1, m2] },
          { ...conversation, id: 'bad', title: 'Bad fields', createdAt: 'yesterday' },
          { id: 'no-title' },
          file.conversations[1],
        ],
      });
      expect(report).toMatchObject({ conversationsAdded: 1, skippedCount: 4 });
      expect(report.skipped).toEqual([
        { name: 'Dangling', reason: 'damaged' },
        { name: 'Loop', reason: 'cycle' },
        { name: 'Bad fields', reason: 'damaged' },
        { name: 'no-title', reason: 'damaged' },
      ]);
      expect(fresh.repo.listConversations().items.map((c) => c.title)).toEqual(['Empty one']);
    } finally {
      fresh.close();
    }
  });

  it('skips a conversation whose messages already belong to another one', async () => {
    const { conversation } = seed();
    const file = JSON.parse(await exportText(store, 'json', conversation.id)) as NagareExport;
    const copy = { ...file.conversations[0]!, id: 'a-copy', title: 'A copy' };
    const report = await importInto(store, { ...file, conversations: [copy] });
    expect(report).toMatchObject({
      conversationsAdded: 0,
      skipped: [{ name: 'A copy', reason: 'messages_elsewhere' }],
    });
  });
});
