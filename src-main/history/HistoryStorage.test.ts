import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WriteGate } from '../transfer/writeGate';
import { HistoryStorage } from './HistoryStorage';
import {
  damageTable,
  makeClock,
  makeIds,
  makeTempDir,
  openStore,
  removeTempDirs,
  writeConversations,
} from './testSupport';

afterEach(removeTempDirs);

function storageIn(dir: string) {
  const logged: Array<{ level: string; message: string }> = [];
  const storage = new HistoryStorage({
    directory: dir,
    now: makeClock().now,
    newId: makeIds(),
    writeGate: new WriteGate(),
    every: () => () => undefined,
    log: (level, message) => logged.push({ level, message }),
  });
  return { storage, logged };
}

/** A closed history with a few conversations, one reply left streaming as a crash leaves it. */
function historyLeftStreaming(): { dir: string; titles: string[]; replyId: string } {
  const store = openStore();
  const titles = writeConversations(store.repo, 30);
  const conversation = store.repo.createConversation({ title: 'cut off' });
  const user = store.repo.addUserMessage(conversation.id, null, 'question');
  const reply = store.repo.beginAssistantMessage(conversation.id, user.id, 'm');
  store.close();
  return { dir: store.dir, titles: [...titles, 'cut off'], replyId: reply.id };
}

describe('HistoryStorage', () => {
  it('opens a history, marking replies cut off by the last run as interrupted', () => {
    const { dir, replyId } = historyLeftStreaming();
    const { storage } = storageIn(dir);
    storage.open();
    try {
      expect(storage.report).toEqual({ recoveredDatabasePath: null, damagedWalPath: null, storageProblem: null });
      expect(storage.stores!.history.getMessage(replyId).status).toBe('interrupted');
    } finally {
      storage.close();
    }
  });

  it('opens a history damaged deep inside without reading all of it, and replaces it when told', () => {
    const store = openStore();
    const titles = writeConversations(store.repo, 30);
    store.close();
    const dir = store.dir;
    const file = path.join(dir, 'nagare.db');
    damageTable(file, 'messages');
    const damaged = fs.readFileSync(file);
    const { storage, logged } = storageIn(dir);
    storage.open();
    try {
      // Opening read the header and the schema only: the damage is for the health check to find.
      expect(storage.report.recoveredDatabasePath).toBeNull();
      const before = storage.stores!;
      expect(
        before.history
          .listConversations({ limit: 100 })
          .items.map((item) => item.title)
          .sort(),
      ).toEqual(titles);

      const report = storage.replaceDamaged('quick_check: page 7 is damaged');
      expect(report.recoveredDatabasePath).toMatch(/nagare\.db\.corrupt-\d{8}T\d{9}Z$/);
      expect(report.storageProblem).toBeNull();
      expect(storage.report).toEqual(report);
      expect(fs.readFileSync(report.recoveredDatabasePath!).equals(damaged)).toBe(true);
      expect(logged).toContainEqual({ level: 'warn', message: 'The history was damaged and was moved aside' });

      // A fresh history in its place, through new stores; the old one is not used again.
      expect(storage.stores).not.toBe(before);
      expect(storage.stores!.history.listConversations().items).toEqual([]);
      storage.stores!.history.createConversation({ title: 'after the damage' });
      expect(storage.stores!.history.listConversations().items.map((item) => item.title)).toEqual(['after the damage']);
      expect(storage.database!.path).toBe(file);
    } finally {
      storage.close();
    }
  });

  it('moves a history aside at once when the queries of start-up already find it damaged', () => {
    const { dir } = historyLeftStreaming();
    damageTable(path.join(dir, 'nagare.db'), 'messages_streaming');
    const { storage } = storageIn(dir);
    storage.open();
    try {
      expect(storage.report.recoveredDatabasePath).toMatch(/nagare\.db\.corrupt-/);
      expect(storage.report.storageProblem).toBeNull();
      expect(storage.stores!.history.listConversations().items).toEqual([]);
    } finally {
      storage.close();
    }
  });

  it('says why when storage cannot be opened, and has no stores then', () => {
    const dir = makeTempDir();
    const notAFolder = path.join(dir, 'file');
    fs.writeFileSync(notAFolder, 'x');
    const { storage } = storageIn(path.join(notAFolder, 'userData'));
    storage.open();
    expect(storage.stores).toBeNull();
    // A code and a reason, which the window puts in its own words; the English is for the log.
    expect(storage.report.storageProblem).toMatchObject({ code: 'storage', reason: 'unavailable' });
    expect(storage.report.storageProblem?.message).toMatch(/could not|read-only|folder/i);
    expect(() => storage.close()).not.toThrow();
  });
});
