import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransferProgress } from '../../src-preload/contract/types';
import { makeTempDir, openStore, removeTempDirs, type TestStore } from '../history/testSupport';
import { buildChatGptExport } from './fixtures/chatGptExport';
import { databaseDigest, startTransferWorkerFromSource } from './testSupport';
import { TransferRunner } from './TransferRunner';
import { gatedDatabase, WriteGate } from './writeGate';
import { HistoryRepository } from '../history/HistoryRepository';
import { openHistoryDatabase } from '../history/database';

let store: TestStore;
let runner: TransferRunner;
let gate: WriteGate;
beforeEach(() => {
  gate = new WriteGate();
  store = openStore();
  runner = new TransferRunner(startTransferWorkerFromSource, gate);
});
afterEach(() => {
  store.close();
  removeTempDirs();
});

function writeExport(conversations: number): string {
  const path = join(makeTempDir(), 'conversations.json');
  writeFileSync(path, JSON.stringify(buildChatGptExport({ conversations, seed: 7 })));
  return path;
}

describe('TransferRunner', () => {
  it('imports in a worker thread with progress, into the database main has open', async () => {
    const filePath = writeExport(60);
    const progress: TransferProgress[] = [];
    const running = runner.run({ kind: 'import', databasePath: store.opened.path, filePath, importId: 'w1' }, (p) =>
      progress.push(p),
    );
    const report = await running.result;
    expect(report.cancelled).toBe(false);
    expect(report.conversationsAdded).toBeGreaterThan(40);
    // Main's own connection sees what the worker published.
    expect(store.repo.listConversations({ limit: 500 }).items).toHaveLength(report.conversationsAdded);
    expect(progress.at(-1)).toMatchObject({ kind: 'import', totalConversations: null });
    expect(progress.at(-1)?.bytes).toBe(progress.at(-1)?.totalBytes);
    // Indexing is said once the file is read, from none (forced, so never throttled away) to all.
    const indexing = progress.filter((p) => p.indexing !== null);
    expect(progress[0]?.indexing).toBeNull();
    expect(indexing[0]?.indexing?.done).toBe(0);
    expect(indexing[0]?.bytes).toBe(indexing[0]?.totalBytes);
    expect(indexing.at(-1)?.indexing).toEqual({
      done: indexing[0]?.indexing?.total,
      total: indexing[0]?.indexing?.total,
    });
    expect(indexing[0]?.indexing?.total).toBeGreaterThan(report.messagesAdded);
  });

  it('cancels through the shared flag, leaving the database as it was', async () => {
    store.repo.addUserMessage(store.repo.createConversation({}).id, null, 'Before the import');
    const before = databaseDigest(store.opened.db);
    const filePath = writeExport(400);
    const running = runner.run({ kind: 'import', databasePath: store.opened.path, filePath, importId: 'w2' }, (p) => {
      if (p.conversations > 20) running.cancel();
    });
    expect(await running.result).toMatchObject({ cancelled: true, conversationsAdded: 0 });
    expect(databaseDigest(store.opened.db)).toBe(before);
  });

  it('answers a refused file as an error with its code', async () => {
    const filePath = join(makeTempDir(), 'broken.json');
    writeFileSync(filePath, '[{"mapping": {');
    const running = runner.run({ kind: 'import', databasePath: store.opened.path, filePath, importId: 'w3' });
    await expect(running.result).rejects.toMatchObject({ code: 'import_invalid' });
  });
});

/** One conversation of `messages` long messages: its rows are written in back-to-back transactions. */
function writeLongConversation(messages: number): string {
  const mapping: Record<string, unknown> = {};
  for (let index = 0; index < messages; index++) {
    const id = `n${index}`;
    mapping[id] = {
      id,
      parent: index === 0 ? null : `n${index - 1}`,
      children: [],
      message: {
        author: { role: index % 2 === 0 ? 'user' : 'assistant' },
        content: { content_type: 'text', parts: [`${index} 日本語のテキスト and English words `.repeat(60)] },
        create_time: 1_700_000_000 + index,
      },
    };
  }
  const path = join(makeTempDir(), 'long.json');
  writeFileSync(
    path,
    JSON.stringify([{ title: 'Long', conversation_id: 'long', mapping, current_node: `n${messages - 1}` }]),
  );
  return path;
}

describe('main writing while the worker imports', () => {
  it('gets its turn at every flush through the write gate, even while the worker writes back to back', async () => {
    // Main's connection as the app opens it, with a short busy timeout: a write starved of the lock fails.
    const main = openHistoryDatabase({ directory: store.dir, now: Date.now, busyTimeoutMs: 1_000 });
    let next = 0;
    const repo = new HistoryRepository(gatedDatabase(main.db, gate), Date.now, () => `main-${++next}`);
    try {
      const chat = repo.createConversation({});
      const question = repo.addUserMessage(chat.id, null, 'Still there?');
      const reply = repo.beginAssistantMessage(chat.id, question.id, 'model');
      const running = runner.run({
        kind: 'import',
        databasePath: store.opened.path,
        filePath: writeLongConversation(6_000),
        importId: 'w4',
      });
      let finished = false;
      void running.result.finally(() => (finished = true));
      let text = '';
      let flushes = 0;
      while (!finished) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        text += `${flushes} `;
        repo.appendOrFlush(reply.id, { content: text });
        flushes++;
      }
      expect(await running.result).toMatchObject({ conversationsAdded: 1, messagesAdded: 6_000 });
      expect(flushes).toBeGreaterThan(5);
      expect(repo.getMessage(reply.id).content).toBe(text);
    } finally {
      main.db.close();
    }
  });
});
