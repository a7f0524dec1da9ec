import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ImportReport, TransferProgress } from '../../src-preload/contract/types';
import { makeTempDir, removeTempDirs } from '../history/testSupport';
import { AppError } from '../common/AppError';
import {
  exportFileName,
  FileTransferService,
  type FileDialogs,
  type FileTransferDependencies,
} from './FileTransferService';
import { sampleStreamLog } from './testSupport';
import type { TransferJob, TransferResults } from './transferJobs';
import type { RunningTransfer, TransferRunner } from './TransferRunner';

afterEach(removeTempDirs);

const report = (added: number): ImportReport => ({
  cancelled: false,
  conversationsAdded: added,
  messagesAdded: added * 2,
  alreadyPresent: 0,
  skipped: [],
  skippedCount: 0,
});

const log = sampleStreamLog();

/** A runner whose jobs finish when the test says, recording what it was asked. */
function fakeRunner() {
  const jobs: TransferJob[] = [];
  const progress: Array<(progress: TransferProgress) => void> = [];
  let finish: (value: unknown) => void = () => undefined;
  let fail: (error: unknown) => void = () => undefined;
  const cancel = vi.fn();
  const runner: Pick<TransferRunner, 'run'> = {
    run: <J extends TransferJob>(job: J, onProgress?: (p: TransferProgress) => void) => {
      jobs.push(job);
      if (onProgress) progress.push(onProgress);
      const result = new Promise<TransferResults[J['kind']]>((resolve, reject) => {
        finish = (value) => resolve(value as TransferResults[J['kind']]);
        fail = reject;
      });
      const running: RunningTransfer<TransferResults[J['kind']]> = { result, cancel };
      return running;
    },
  };
  return { runner, jobs, progress, cancel, finish: (value: unknown) => finish(value), fail: (e: unknown) => fail(e) };
}

function setUp(answers: { save?: string | null; open?: string | null } = {}) {
  const dialogs: FileDialogs = {
    chooseSavePath: vi.fn(async () => answers.save ?? null),
    chooseOpenPath: vi.fn(async () => answers.open ?? null),
  };
  const run = fakeRunner();
  const deps: FileTransferDependencies = {
    dialogs,
    runner: run.runner,
    databasePath: () => '/data/nagare.db',
    backUp: vi.fn(),
    conversationTitle: () => 'Trip: Kyoto/Osaka?',
    streamLog: (messageId) => (messageId === 'with-log' ? log : null),
    sendProgress: vi.fn(),
    onImported: vi.fn(),
    onSweepFailed: vi.fn(),
    setMainCheckpoints: vi.fn(),
    newId: () => 'import-1',
  };
  return { service: new FileTransferService(deps), deps, dialogs, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('FileTransferService', () => {
  it('backs up to the path the user chose, and does nothing when the dialog is cancelled', async () => {
    const chosen = setUp({ save: '/backups/Nagare backup.db' });
    await expect(chosen.service.backUpHistory()).resolves.toEqual({ savedTo: '/backups/Nagare backup.db' });
    expect(chosen.deps.backUp).toHaveBeenCalledWith('/backups/Nagare backup.db');
    expect(vi.mocked(chosen.dialogs.chooseSavePath).mock.calls[0]![0].defaultName).toMatch(/^Nagare backup .*\.db$/);

    const cancelled = setUp({ save: null });
    await expect(cancelled.service.backUpHistory()).resolves.toEqual({ savedTo: null });
    expect(cancelled.deps.backUp).not.toHaveBeenCalled();
  });

  it('exports through the worker to the file the user chose, relaying progress to the asking window', async () => {
    const { service, deps, dialogs, run } = setUp({ save: '/home/me/trip.md' });
    const pending = service.exportHistory({ conversationId: 'c1', format: 'markdown' }, { windowId: 4 });
    await tick();
    expect(dialogs.chooseSavePath).toHaveBeenCalledWith({
      title: 'Export',
      defaultName: 'Trip Kyoto Osaka.md',
      filters: [{ name: 'Markdown', extensions: ['md'] }],
    });
    expect(run.jobs).toEqual([
      {
        kind: 'export',
        databasePath: '/data/nagare.db',
        filePath: '/home/me/trip.md',
        conversationId: 'c1',
        format: 'markdown',
      },
    ]);
    const progress: TransferProgress = {
      kind: 'export',
      bytes: 10,
      totalBytes: null,
      conversations: 1,
      totalConversations: 1,
      indexing: null,
    };
    run.progress[0]?.(progress);
    expect(deps.sendProgress).toHaveBeenCalledWith(4, progress);
    run.finish({ conversations: 1 });
    await expect(pending).resolves.toEqual({ savedTo: '/home/me/trip.md' });
  });

  it('starts nothing when the dialog is dismissed, and reports no file for a cancelled export', async () => {
    const dismissed = setUp({ save: null });
    await expect(
      dismissed.service.exportHistory({ conversationId: null, format: 'json' }, { windowId: 1 }),
    ).resolves.toEqual({
      savedTo: null,
    });
    expect(dismissed.run.jobs).toEqual([]);

    const { service, run } = setUp({ save: '/tmp/all.json' });
    const pending = service.exportHistory({ conversationId: null, format: 'json' }, { windowId: 1 });
    await tick();
    service.cancel();
    expect(run.cancel).toHaveBeenCalledTimes(1);
    run.finish(null);
    await expect(pending).resolves.toEqual({ savedTo: null });
  });

  it('stops a running import and waits until its worker has finished with the database', async () => {
    await expect(setUp().service.stop()).resolves.toBeUndefined();
    const { service, run } = setUp({ open: '/home/me/conversations.json' });
    const pending = service.importHistory({ windowId: 2 });
    await tick();
    let stopped = false;
    const stopping = service.stop().then(() => (stopped = true));
    await tick();
    expect(run.cancel).toHaveBeenCalledTimes(1);
    expect(stopped).toBe(false);
    run.finish({ ...report(0), cancelled: true });
    await stopping;
    expect(stopped).toBe(true);
    await expect(pending).resolves.toMatchObject({ cancelled: true });
  });

  it('imports one file at a time and tells every window only when something was added', async () => {
    const { service, deps, run } = setUp({ open: '/home/me/conversations.json' });
    const first = service.importHistory({ windowId: 2 });
    await expect(service.importHistory({ windowId: 2 })).rejects.toMatchObject({ code: 'invalid_request' });
    await tick();
    expect(run.jobs).toEqual([
      {
        kind: 'import',
        databasePath: '/data/nagare.db',
        filePath: '/home/me/conversations.json',
        importId: 'import-1',
      },
    ]);
    // Main leaves WAL checkpoints to the worker while it writes.
    expect(deps.setMainCheckpoints).toHaveBeenLastCalledWith(false);
    run.finish(report(0));
    await expect(first).resolves.toEqual(report(0));
    expect(deps.setMainCheckpoints).toHaveBeenLastCalledWith(true);
    expect(deps.onImported).not.toHaveBeenCalled();

    const second = service.importHistory({ windowId: 2 });
    await tick();
    run.finish(report(5));
    await expect(second).resolves.toEqual(report(5));
    expect(deps.onImported).toHaveBeenCalledTimes(1);
  });

  it('sweeps what a crashed worker left, and passes the failure on', async () => {
    const { service, run } = setUp({ open: '/x.json' });
    const pending = service.importHistory({ windowId: 1 });
    await tick();
    run.fail(new AppError('internal', 'The import or export stopped unexpectedly.'));
    await expect(pending).rejects.toMatchObject({ code: 'internal' });
    expect(run.jobs.at(-1)).toEqual({ kind: 'sweep', databasePath: '/data/nagare.db' });
  });

  it('saves a raw stream atomically where the user chose, and opens one back', async () => {
    const path = join(makeTempDir(), 'stream.sse');
    const { service, dialogs } = setUp({ save: path, open: path });
    await expect(service.saveStream({ messageId: 'no-log' })).rejects.toMatchObject({ code: 'missing' });
    await expect(service.saveStream({ messageId: 'with-log' })).resolves.toEqual({ savedTo: path });
    expect(readFileSync(path, 'utf8')).toContain('data: {"choices":[]}');
    const opened = await service.openStream();
    expect(opened?.entries.map((entry) => entry.data)).toEqual(['{"choices":[]}']);
    expect(dialogs.chooseOpenPath).toHaveBeenCalledWith({
      title: 'Open a raw stream',
      filters: [{ name: 'Server-sent events', extensions: ['sse', 'txt', 'log'] }],
    });
    writeFileSync(path, '');
  });
});

describe('exportFileName', () => {
  it('titles its dialogs in the UI language', async () => {
    const { service, deps, dialogs } = setUp({ open: null, save: null });
    const inJapanese = new FileTransferService({ ...deps, language: () => 'ja' });
    await inJapanese.importHistory({ windowId: 1 });
    await inJapanese.backUpHistory();
    await service.importHistory({ windowId: 1 });
    const opened = vi.mocked(dialogs.chooseOpenPath).mock.calls.map(([options]) => options.title);
    expect(opened).toEqual(['会話をインポート', 'Import conversations']);
    expect(vi.mocked(dialogs.chooseSavePath).mock.calls[0]![0]).toMatchObject({
      title: '履歴をバックアップ',
      filters: [{ name: 'SQLite データベース', extensions: ['db'] }],
    });
  });

  it('makes a file name from any title', () => {
    expect(exportFileName('json', null)).toBe('Nagare conversations.json');
    expect(exportFileName('markdown', 'a/b\\c:d*e?f"g<h>i|j\u0001k')).toBe('a b c d e f g h i j k.md');
    expect(exportFileName('markdown', '   ')).toBe('conversation.md');
    expect(exportFileName('json', '寿司 🍣'.repeat(30)).length).toBeLessThanOrEqual(85);
  });
});
