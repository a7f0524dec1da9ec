/**
 * Helpers for the history tests: temporary folders, a controllable clock and
 * predictable ids. Not used by the app.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'libsql';
import { afterEach, beforeEach } from 'vitest';
import { closeHistoryDatabase, openHistoryDatabase, type OpenedHistoryDatabase } from './database';
import type { AttachmentStore } from './AttachmentStore';
import type { DraftStore } from './DraftStore';
import type { HistoryRepository } from './HistoryRepository';
import { createHistoryStores } from './HistoryStores';
import type { StreamLogStore } from './StreamLogStore';

/** A fresh temporary folder; removed by `removeTempDirs`. */
export function makeTempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nagare-history-'));
  created.push(dir);
  return dir;
}
const created: string[] = [];

/** Removes every folder `makeTempDir` made. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A clock that only moves when told to. */
export interface TestClock {
  now: () => number;
  advance: (ms: number) => void;
  set: (ms: number) => void;
}

/** A clock starting at 2025-01-01T00:00:00Z that ticks 1 ms on every read, so rows have distinct times. */
export function makeClock(start = Date.UTC(2025, 0, 1)): TestClock {
  let time = start;
  return {
    now: () => time++,
    advance: (ms) => {
      time += ms;
    },
    set: (ms) => {
      time = ms;
    },
  };
}

/** Ids `id-1`, `id-2`, … */
export function makeIds(prefix = 'id'): () => string {
  let next = 0;
  return () => `${prefix}-${++next}`;
}

/** An opened database and the stores on it. */
export interface TestStore {
  dir: string;
  opened: OpenedHistoryDatabase;
  repo: HistoryRepository;
  streamLogs: StreamLogStore;
  drafts: DraftStore;
  attachments: AttachmentStore;
  clock: TestClock;
  close: () => void;
}

/** Opens (or reopens) the database in `dir` with its stores, as the app would. */
export function openStore(dir: string = makeTempDir(), clock: TestClock = makeClock(), newId = makeIds()): TestStore {
  const opened = openHistoryDatabase({ directory: dir, now: clock.now });
  const { history, streamLogs, drafts, attachments } = createHistoryStores(opened.db, clock.now, newId);
  return {
    dir,
    opened,
    repo: history,
    streamLogs,
    drafts,
    attachments,
    clock,
    close: () => closeHistoryDatabase(opened.db),
  };
}

/** A fresh store for every test, closed and removed after it; read it inside tests. */
export function useFreshStore(): { readonly current: TestStore } {
  let store: TestStore | undefined;
  beforeEach(() => {
    store = openStore();
  });
  afterEach(() => {
    store?.close();
    store = undefined;
    removeTempDirs();
  });
  return {
    get current(): TestStore {
      if (!store) throw new Error('The store exists only while a test runs.');
      return store;
    },
  };
}

/** user → assistant → user → assistant…, each reply complete; returns the ids in that order. */
export function seedChat(
  repo: HistoryRepository,
  turns: number,
  conversationId = repo.createConversation().id,
): { conversationId: string; ids: string[] } {
  let parent: string | null = null;
  const ids: string[] = [];
  for (let i = 0; i < turns; i++) {
    const user = repo.addUserMessage(conversationId, parent, `question ${i}`);
    const reply = repo.beginAssistantMessage(conversationId, user.id, 'model-a');
    repo.finishMessage(reply.id, { status: 'complete', content: `answer ${i}` });
    ids.push(user.id, reply.id);
    parent = reply.id;
  }
  return { conversationId, ids };
}

/**
 * Writes `count` conversations of three longish messages each, Japanese and emoji included, every
 * message its own commit; answers their titles, sorted.
 */
export function writeConversations(repo: HistoryRepository, count: number): string[] {
  const titles: string[] = [];
  for (let index = 0; index < count; index++) {
    const title = `会話 ${index} 🌊`;
    const { id } = repo.createConversation({ title });
    let parent: string | null = null;
    for (let turn = 0; turn < 3; turn++) {
      parent = repo.addUserMessage(id, parent, `${title}: ${'とても長い文章 '.repeat(60)} ${turn}`).id;
    }
    titles.push(title);
  }
  return titles.sort();
}

/**
 * Damages the database file at `file` where SQLite only looks when it reads `table`: its root page
 * is overwritten. The header and the schema stay whole, so the file opens, and start-up's own
 * queries still work; `PRAGMA quick_check` finds it. The database must be closed (and its log
 * emptied into the file) first. Answers the page that was overwritten.
 */
export function damageTable(file: string, table: string): number {
  const db = new Database(file);
  let rootPage: number;
  let pageSize: number;
  try {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    rootPage = (db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').get(table) as { rootpage: number })
      .rootpage;
    pageSize = (db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size;
  } finally {
    db.close();
  }
  const bytes = fs.readFileSync(file);
  bytes.fill(0xa5, (rootPage - 1) * pageSize, rootPage * pageSize);
  fs.writeFileSync(file, bytes);
  return rootPage;
}
