import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { backUpHistory, backupFileName } from './backup';
import { closeHistoryDatabase } from './database';
import { IDLE_CHECKPOINT_MS, IdleCheckpointer, WRITE_POLL_MS } from './IdleCheckpointer';
import { makeTempDir, openStore, removeTempDirs, writeConversations, type TestStore } from './testSupport';
import { inspectWal } from './walInspection';

afterEach(removeTempDirs);

function fill(store: TestStore, conversations: number): string[] {
  return writeConversations(store.repo, conversations);
}

/**
 * Writes conversations in a child process that then ends without closing the database, as a
 * crash would, so this process opens it as the next start of Nagare would: with recovery.
 */
function crashAfterWriting(conversations: number): { dir: string; titles: string[]; wal: string } {
  const dir = makeTempDir();
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'walWriter.cli.ts'), dir, String(conversations)],
    { encoding: 'utf8' },
  );
  return { dir, titles: JSON.parse(output) as string[], wal: path.join(dir, 'nagare.db-wal') };
}

function titlesIn(store: TestStore): string[] {
  return store.repo
    .listConversations({ limit: 500 })
    .items.map((conversation) => conversation.title)
    .sort();
}

const walOf = (store: TestStore) => `${store.opened.path}-wal`;
const size = (file: string) => (fs.existsSync(file) ? fs.statSync(file).size : 0);

describe('the write-ahead log', () => {
  it('is emptied into nagare.db on close, so that file alone opens with every conversation', () => {
    const store = openStore();
    const titles = fill(store, 40);
    expect(size(walOf(store))).toBeGreaterThan(100_000);
    closeHistoryDatabase(store.opened.db);
    expect(size(walOf(store))).toBe(0);

    // What a user who backs up or syncs only nagare.db would have.
    const alone = makeTempDir();
    fs.copyFileSync(store.opened.path, path.join(alone, 'nagare.db'));
    const reopened = openStore(alone);
    try {
      expect(titlesIn(reopened)).toEqual(titles);
      expect(reopened.opened.damagedWalPath).toBeNull();
    } finally {
      reopened.close();
    }
  });

  it('a plain close leaves the history in the log (why closing checkpoints)', () => {
    const store = openStore();
    fill(store, 10);
    store.opened.db.close();
    const alone = makeTempDir();
    fs.copyFileSync(store.opened.path, path.join(alone, 'nagare.db'));
    const reopened = openStore(alone);
    try {
      expect(titlesIn(reopened)).toEqual([]);
    } finally {
      reopened.close();
    }
  });

  it('notices committed changes after damage in the log, keeps a copy of it, and opens what it can', () => {
    const { dir, titles, wal } = crashAfterWriting(30);
    const healthy = inspectWal(wal);
    expect(healthy).toMatchObject({ lostCommits: 0, unreadable: null });
    // Frames past the replayed ones (if any) are left from before SQLite's automatic checkpoint restarted the log.
    expect(healthy.replayedFrames).toBeGreaterThan(30);

    // 4 KB of damage in a page a third of the way into what SQLite would replay.
    const bytes = fs.readFileSync(wal);
    const pageSize = bytes.readUInt32BE(8);
    const at = 32 + Math.floor(healthy.replayedFrames / 3) * (24 + pageSize) + 24;
    bytes.fill(0xa5, at, at + 4096);
    fs.writeFileSync(wal, bytes);
    expect(inspectWal(wal).lostCommits).toBeGreaterThan(0);

    const reopened = openStore(dir);
    try {
      const kept = reopened.opened.damagedWalPath;
      expect(kept).toMatch(/nagare\.db-wal\.damaged-\d{8}T\d{9}Z$/);
      // Byte for byte: Buffer.equals, as a deep toEqual walks 4 MB one element at a time.
      expect(fs.readFileSync(kept!).equals(bytes)).toBe(true);
      // quick_check passes, yet conversations are gone: only the log inspection can tell.
      expect(reopened.opened.movedAsidePath).toBeNull();
      const survivors = titlesIn(reopened);
      expect(survivors.length).toBeLessThan(titles.length);
      expect(titles).toEqual(expect.arrayContaining(survivors));
    } finally {
      reopened.close();
    }
  });

  it('opens a healthy log after a crash with everything in it, and reports nothing', () => {
    const { dir, titles } = crashAfterWriting(12);
    const reopened = openStore(dir);
    try {
      expect(reopened.opened.damagedWalPath).toBeNull();
      expect(titlesIn(reopened)).toEqual(titles);
    } finally {
      reopened.close();
    }
  });

  it('does not cry wolf over a torn last frame, the normal trace of a crash mid-write', () => {
    const { dir, titles, wal } = crashAfterWriting(5);
    const bytes = fs.readFileSync(wal);
    bytes.fill(0, bytes.length - 1000);
    fs.writeFileSync(wal, bytes);
    expect(inspectWal(wal)).toMatchObject({ lostCommits: 0, unreadable: null });
    const reopened = openStore(dir);
    try {
      expect(reopened.opened.damagedWalPath).toBeNull();
      expect(fs.readdirSync(dir).filter((name) => name.includes('damaged'))).toEqual([]);
      // Only the last transaction, the one torn, is missing.
      expect(titlesIn(reopened).length).toBeGreaterThanOrEqual(titles.length - 1);
    } finally {
      reopened.close();
    }
  });

  it('reports a log with a destroyed header', () => {
    const { dir, wal } = crashAfterWriting(5);
    const bytes = fs.readFileSync(wal);
    bytes.fill(0xff, 0, 32);
    fs.writeFileSync(wal, bytes);
    expect(inspectWal(wal).unreadable).toMatch(/header/);
    const reopened = openStore(dir);
    try {
      expect(reopened.opened.damagedWalPath).not.toBeNull();
    } finally {
      reopened.close();
    }
  });
});

describe('IdleCheckpointer', () => {
  function drive(store: TestStore) {
    let time = 0;
    let tick: (() => void) | null = null;
    let interval = 0;
    const checkpointer = new IdleCheckpointer({
      db: store.opened.db,
      now: () => time,
      every: (callback, ms) => {
        tick = callback;
        interval = ms;
        return () => (tick = null);
      },
      log: () => undefined,
    });
    checkpointer.start();
    return {
      checkpointer,
      interval: () => interval,
      running: () => tick !== null,
      /** Moves the clock on by one poll interval and polls. */
      poll: () => {
        time += WRITE_POLL_MS;
        tick?.();
      },
      elapse: (ms: number) => (time += ms),
    };
  }

  it('empties the log about 30 s after the last write, and not while writes go on', () => {
    const store = openStore();
    try {
      const timer = drive(store);
      expect(timer.interval()).toBe(WRITE_POLL_MS);
      fill(store, 3);
      timer.poll();
      // Writing every few seconds: never idle for long enough.
      for (let round = 0; round < 10; round++) {
        store.repo.createConversation({ title: `more ${round}` });
        timer.poll();
        expect(size(walOf(store))).toBeGreaterThan(0);
      }
      for (let waited = WRITE_POLL_MS; waited < IDLE_CHECKPOINT_MS; waited += WRITE_POLL_MS) {
        timer.poll();
        expect(size(walOf(store))).toBeGreaterThan(0);
      }
      timer.poll();
      expect(size(walOf(store))).toBe(0);

      // Nothing written since: the next polls do nothing, and stop() ends them.
      timer.poll();
      timer.checkpointer.stop();
      expect(timer.running()).toBe(false);
    } finally {
      store.close();
    }
  });

  it('holds back while another connection writes, then empties the log that connection filled', () => {
    const store = openStore();
    const worker = new Database(store.opened.path);
    try {
      const timer = drive(store);
      timer.checkpointer.pause();
      // An import's worker writes on its own connection: this one's change count does not move.
      worker.exec(
        "INSERT INTO conversations (id, title, created_at, updated_at) VALUES ('w1', 'from the worker', 1, 1)",
      );
      timer.elapse(IDLE_CHECKPOINT_MS);
      timer.poll();
      expect(size(walOf(store))).toBeGreaterThan(0);

      timer.checkpointer.resume();
      timer.poll();
      expect(size(walOf(store))).toBeGreaterThan(0);
      timer.elapse(IDLE_CHECKPOINT_MS);
      timer.poll();
      expect(size(walOf(store))).toBe(0);
    } finally {
      worker.close();
      store.close();
    }
  });

  it('keeps a copy of nagare.db complete while the app runs, once idle', () => {
    const store = openStore();
    try {
      const timer = drive(store);
      const titles = fill(store, 12);
      timer.poll();
      timer.elapse(IDLE_CHECKPOINT_MS);
      timer.poll();
      const alone = makeTempDir();
      fs.copyFileSync(store.opened.path, path.join(alone, 'nagare.db'));
      const copy = openStore(alone);
      try {
        expect(titlesIn(copy)).toEqual(titles);
      } finally {
        copy.close();
      }
    } finally {
      store.close();
    }
  });
});

describe('backUpHistory', () => {
  it('writes a consistent copy of everything, including what is still in the log, while the database is open', () => {
    const store = openStore();
    try {
      const titles = fill(store, 25);
      expect(size(walOf(store))).toBeGreaterThan(0);
      const target = path.join(makeTempDir(), backupFileName(Date.UTC(2025, 0, 31)));
      expect(path.basename(target)).toBe('Nagare backup 2025-01-31.db');
      // A file the user chose to overwrite in the save dialog.
      fs.writeFileSync(target, 'an older file');
      backUpHistory(store.opened.db, target);

      // Writes go on after the backup; the copy is the history as it was.
      store.repo.createConversation({ title: 'after the backup' });
      const copy = new Database(target, { readonly: true });
      try {
        const copied = (copy.prepare('SELECT title FROM conversations').all() as Array<{ title: string }>)
          .map((row) => row.title)
          .sort();
        expect(copied).toEqual(titles);
        expect((copy.prepare('PRAGMA quick_check').get() as { quick_check: string }).quick_check).toBe('ok');
      } finally {
        copy.close();
      }
      expect(fs.readdirSync(path.dirname(target))).toEqual([path.basename(target)]);
    } finally {
      store.close();
    }
  });

  it('fails with a storage error and leaves nothing behind when the folder cannot be written', () => {
    const store = openStore();
    try {
      const missing = path.join(makeTempDir(), 'gone', 'backup.db');
      expect(() => backUpHistory(store.opened.db, missing)).toThrow(
        expect.objectContaining({
          code: 'storage',
          message: expect.stringMatching(/^The backup could not be written/),
        }),
      );
      expect(fs.existsSync(path.dirname(missing))).toBe(false);
    } finally {
      store.close();
    }
  });
});
