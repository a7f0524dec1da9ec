import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFreshStore, makeTempDir } from '../history/testSupport';
import { runTransferJob, type JobControl } from './transferJobs';

const fresh = useFreshStore();

function control(cancelAfterChecks = Number.POSITIVE_INFINITY): JobControl {
  let checks = 0;
  let next = 0;
  return {
    isCancelled: () => ++checks > cancelAfterChecks,
    onProgress: () => undefined,
    now: () => Date.UTC(2025, 5, 1),
    newId: () => `job-${++next}`,
    yieldToMain: () => undefined,
  };
}

describe('runTransferJob', () => {
  it('exports to the chosen file on its own connection, and a cancelled export leaves the old file', async () => {
    const store = fresh.current;
    for (let index = 0; index < 5; index++)
      store.repo.addUserMessage(store.repo.createConversation({}).id, null, `Q${index}`);
    const folder = makeTempDir();
    const filePath = join(folder, 'all.md');
    const job = {
      kind: 'export' as const,
      databasePath: store.opened.path,
      filePath,
      conversationId: null,
      format: 'markdown' as const,
    };

    expect(await runTransferJob(job, control())).toEqual({ conversations: 5 });
    const written = readFileSync(filePath, 'utf8');
    expect(written.match(/^# Q\d$/gm)).toEqual(['# Q0', '# Q1', '# Q2', '# Q3', '# Q4']);

    store.repo.addUserMessage(store.repo.createConversation({}).id, null, 'Q5');
    expect(await runTransferJob(job, control(2))).toBeNull();
    expect(readFileSync(filePath, 'utf8')).toBe(written);
    expect(readdirSync(folder)).toEqual(['all.md']);
  });

  it('imports a file with a byte-order mark, and refuses one that cannot be read', async () => {
    const store = fresh.current;
    const filePath = join(makeTempDir(), 'conversations.json');
    const entry = {
      title: 'With BOM',
      conversation_id: 'bom',
      mapping: {
        q: {
          parent: null,
          message: { author: { role: 'user' }, content: { content_type: 'text', parts: ['こんにちは'] } },
        },
      },
    };
    writeFileSync(filePath, `\uFEFF${JSON.stringify([entry])}`);
    const job = { kind: 'import' as const, databasePath: store.opened.path, filePath, importId: 'bom' };
    expect(await runTransferJob(job, control())).toMatchObject({ conversationsAdded: 1, messagesAdded: 1 });
    expect(store.repo.listConversations().items.map((c) => c.title)).toEqual(['With BOM']);

    const missing = { ...job, filePath: join(makeTempDir(), 'gone.json') };
    expect(existsSync(missing.filePath)).toBe(false);
    await expect(runTransferJob(missing, control())).rejects.toMatchObject({ code: 'import_invalid' });
  });
});
