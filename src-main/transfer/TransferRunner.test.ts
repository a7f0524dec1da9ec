import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TransferProgress } from '../../src-preload/contract/types';
import { makeTempDir, openStore, removeTempDirs, type TestStore } from '../history/testSupport';
import { buildChatGptExport } from './fixtures/chatGptExport';
import { databaseDigest, startTransferWorkerFromSource } from './testSupport';
import { TransferRunner } from './TransferRunner';

let store: TestStore;
let runner: TransferRunner;
beforeEach(() => {
  store = openStore();
  runner = new TransferRunner(startTransferWorkerFromSource);
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
