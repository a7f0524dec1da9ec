import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BlobStore } from '../attachments/BlobStore';
import { openHistoryDatabase, type HistoryDatabase } from '../history/database';
import { MIGRATIONS } from '../history/migrations';
import { HistorySearch } from '../history/search';
import { makeTempDir, useFreshStore, type TestStore } from '../history/testSupport';
import type { ImportedConversation } from './importModel';
import { readChatGptEntry } from './chatGpt';
import { buildChatGptExport } from './fixtures/chatGptExport';
import { discardUnfinishedImports, hasUnfinishedImports, StagedImport } from './stagedImport';
import { databaseDigest } from './testSupport';

const fresh = useFreshStore();
let store: TestStore;
beforeEach(() => {
  store = fresh.current;
});

/** Stages a few conversations and stops before publishing, as a crash or a kill would. */
function stageWithoutPublishing(importId: string): number {
  let next = 0;
  const staged = new StagedImport(store.opened.db, importId, () => `${importId}-${++next}`);
  let added = 0;
  for (const [index, entry] of buildChatGptExport({ conversations: 8, seed: 2 }).entries()) {
    const outcome = readChatGptEntry(entry, index, 0);
    if (outcome.ok && staged.add(outcome.conversation) === 'added') added++;
  }
  staged.writePending(2048);
  return added;
}

describe('staged rows of an unfinished import', () => {
  it('stay out of the list, search and the purge, and the start-up sweep removes them all', () => {
    const kept = store.repo.createConversation({ title: 'Mine' });
    store.repo.addUserMessage(kept.id, null, 'kubernetes sourdough 日本語で説明してください');
    const before = databaseDigest(store.opened.db);

    expect(stageWithoutPublishing('crashed-1')).toBeGreaterThan(3);
    stageWithoutPublishing('crashed-2');
    expect(hasUnfinishedImports(store.opened.db)).toBe(true);
    expect(store.repo.listConversations().items.map((c) => c.title)).toEqual(['Mine']);
    expect(store.repo.search('日本語で説明').map((hit) => hit.conversationId)).toEqual([kept.id]);
    // However long ago they were written, the purge of deleted conversations leaves them to the sweep.
    expect(store.repo.purgeExpiredDeletes(Date.now() + 365 * 24 * 3600 * 1000)).toBe(0);

    expect(discardUnfinishedImports(store.opened.db)).toBeGreaterThan(6);
    expect(hasUnfinishedImports(store.opened.db)).toBe(false);
    expect(databaseDigest(store.opened.db)).toBe(before);
  });
});

/** Conversations of a realistic export, one with a file's text and one with tool calls, so every part of a search row is there. */
function conversationsToStage(): ImportedConversation[] {
  const conversations = buildChatGptExport({ conversations: 24, seed: 7 }).flatMap((entry, index) => {
    const outcome = readChatGptEntry(entry, index, 0);
    return outcome.ok ? [outcome.conversation] : [];
  });
  const withFile = conversations[0]!.messages[0]!;
  withFile.resolved = [
    { name: '議事録メモ.txt', bytes: Buffer.from('来週の会議は東京で 🍣 sourdough'), text: null, pages: null },
  ];
  const withTools = conversations[1]!.messages.find((message) => message.role === 'assistant')!;
  withTools.toolSteps = [
    {
      text: '',
      calls: [
        { id: 'c1', name: 'weather_lookup', serverId: 's1', serverName: 'Weather', arguments: '{}', result: null },
      ],
    },
  ];
  return conversations;
}

/** Stages, writes and publishes `conversations`; with `bulk`, the search rows are built by `indexForSearch`. */
function stageAndPublish(db: HistoryDatabase, blobsDir: string, bulk: boolean): void {
  let next = 0;
  const staged = new StagedImport(db, 'same', () => `staged-${++next}`, undefined, new BlobStore(blobsDir));
  for (const conversation of conversationsToStage()) staged.add(conversation);
  staged.writePending(512);
  if (bulk) staged.indexForSearch();
  staged.publish();
}

const SEARCH_INDEX = [
  'SELECT term, doc, col, offset FROM messages_fts_instances ORDER BY doc, term, offset',
  'SELECT rowid FROM titles_fts ORDER BY rowid',
];

describe('the search rows of an import, built in bulk', () => {
  it('give the same hits and the same index as the per-row triggers did (schema version 5)', () => {
    const bulk = store.opened.db;
    const oldDir = makeTempDir();
    // The old way: the version 5 triggers index every staged row as it is written.
    const old = openHistoryDatabase({ directory: oldDir, now: Date.now, migrations: MIGRATIONS.slice(0, 5) }).db;
    try {
      for (const db of [bulk, old])
        db.exec('CREATE VIRTUAL TABLE temp.messages_fts_instances USING fts5vocab (main, messages_fts, instance)');
      stageAndPublish(old, join(oldDir, 'attachments'), false);
      stageAndPublish(bulk, join(store.dir, 'attachments'), true);

      for (const query of SEARCH_INDEX) {
        const rows = bulk.prepare(query).raw(true).all();
        expect(rows.length).toBeGreaterThan(10);
        expect(rows).toEqual(old.prepare(query).raw(true).all());
      }
      const oldSearch = new HistorySearch(old);
      const queries = [
        '日本語で説明',
        'ありがとう',
        '🍣',
        '👩‍💻',
        'sourdough starter',
        '議事録メモ',
        '来週の会議',
        'weather_lookup',
        '日本',
        'kubernetes',
      ];
      let hits = 0;
      for (const query of queries) {
        const found = store.repo.search(query);
        hits += found.length;
        expect(found, query).toEqual(oldSearch.search(query, 50));
      }
      expect(hits).toBeGreaterThan(queries.length);
      expect(store.repo.search('weather_lookup')).toHaveLength(1);
      expect(store.repo.search('議事録メモ')).toHaveLength(1);
    } finally {
      old.close();
    }
  });

  it('stay out of search until published, and a cancel half-way through them leaves the database as it was', () => {
    const kept = store.repo.createConversation({ title: 'Mine' });
    store.repo.addUserMessage(kept.id, null, 'kubernetes 日本語で説明してください 🍣');
    const before = databaseDigest(store.opened.db);
    let next = 0;
    const staged = new StagedImport(store.opened.db, 'cut', () => `cut-${++next}`);
    for (const conversation of conversationsToStage()) staged.add(conversation);
    staged.writePending(512);
    let checks = 0;
    // Stops after three transactions of search rows, with more left to build.
    staged.indexForSearch(() => ++checks > 3, 0);
    const indexed = store.opened.db.prepare('SELECT count(*) AS n FROM messages_fts').get() as { n: number };
    expect(indexed.n).toBeGreaterThan(1);
    expect(store.repo.search('日本語で説明').map((hit) => hit.conversationId)).toEqual([kept.id]);

    staged.discard();
    expect(databaseDigest(store.opened.db)).toBe(before);
  });

  it('say how many of the staged messages and titles are searchable, from none to all', () => {
    let next = 0;
    const staged = new StagedImport(store.opened.db, 'count', () => `count-${++next}`);
    const conversations = conversationsToStage();
    for (const conversation of conversations) staged.add(conversation);
    staged.writePending(512);
    const stagedRows = store.opened.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    const reports: Array<[number, number]> = [];
    // No time per transaction: one statement each, so every step is reported.
    staged.indexForSearch(
      () => false,
      0,
      (done, total) => reports.push([done, total]),
    );

    const total = stagedRows.n + conversations.length;
    expect(reports[0]).toEqual([0, total]);
    expect(reports.at(-1)).toEqual([total, total]);
    expect(reports.length).toBeGreaterThan(2);
    for (const [index, [done]] of reports.entries()) {
      if (index > 0) expect(done).toBeGreaterThanOrEqual(reports[index - 1]![0]);
    }
  });

  it('are built for rows main writes meanwhile by the triggers, as always', () => {
    let next = 0;
    const staged = new StagedImport(store.opened.db, 'side', () => `side-${++next}`);
    for (const conversation of conversationsToStage()) staged.add(conversation);
    staged.writePending(512);
    const mine = store.repo.createConversation({ title: 'Written during the import 流れ' });
    store.repo.addUserMessage(mine.id, null, 'an unusual phrase: zebra crossing 横断歩道');
    staged.indexForSearch();
    staged.publish();
    expect(store.repo.search('横断歩道').map((hit) => hit.conversationId)).toEqual([mine.id]);
    expect(store.repo.search('流れ').map((hit) => hit.conversationId)).toContain(mine.id);
  });
});

describe('a staged import and main writing at the same time', () => {
  it('ends each write transaction at the next row while main has a write waiting', () => {
    let transactions = 0;
    let next = 0;
    const rows = () => store.opened.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    const staged = new StagedImport(
      store.opened.db,
      'yield',
      () => `yield-${++next}`,
      () => transactions++,
      null,
      () => true,
    );
    for (const conversation of conversationsToStage().slice(0, 5)) staged.add(conversation);
    staged.writePending(1_000_000, () => false, 10_000);
    // One conversation row per conversation, plus its messages: one transaction each.
    expect(transactions).toBe(5 + rows().n);
    const writtenTransactions = transactions;
    staged.indexForSearch(() => false, 10_000);
    expect(transactions).toBeGreaterThan(writtenTransactions + 1);
  });
});
