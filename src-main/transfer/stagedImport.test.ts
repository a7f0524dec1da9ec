import { beforeEach, describe, expect, it } from 'vitest';
import { useFreshStore, type TestStore } from '../history/testSupport';
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
