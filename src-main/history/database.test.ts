import fs from 'node:fs';
import path from 'node:path';
import Database from 'libsql';
import { afterEach, describe, expect, it } from 'vitest';
import { openHistoryDatabase, userVersion } from './database';
import { HistoryError } from './errors';
import { CURRENT_SCHEMA_VERSION } from './migrations';
import { damageTable, makeClock, makeTempDir, openStore, removeTempDirs, writeConversations } from './testSupport';

const FIXTURE_V1 = path.join(import.meta.dirname, 'fixtures', 'v1.db');

afterEach(removeTempDirs);

describe('openHistoryDatabase', () => {
  it('creates a new database at the current schema with WAL and foreign keys, and takes no backup', () => {
    const store = openStore();
    try {
      expect(store.opened.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
      expect(store.opened.backupPath).toBeNull();
      expect(store.opened.movedAsidePath).toBeNull();
      expect(store.opened.path).toBe(path.join(store.dir, 'nagare.db'));
      const db = store.opened.db;
      expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
      expect((db.prepare('PRAGMA foreign_keys').get() as { foreign_keys: number }).foreign_keys).toBe(1);
      expect((db.prepare('PRAGMA busy_timeout').get() as { timeout: number }).timeout).toBe(5000);
    } finally {
      store.close();
    }
    expect(fs.readdirSync(store.dir).filter((name) => name.includes('backup'))).toEqual([]);
  });

  it('reopening a current database runs no migration and takes no backup', () => {
    const first = openStore();
    first.repo.createConversation({ title: 'kept' });
    first.close();
    const second = openStore(first.dir);
    try {
      expect(second.opened.backupPath).toBeNull();
      expect(second.opened.migratedFrom).toBe(CURRENT_SCHEMA_VERSION);
      expect(second.repo.listConversations().items.map((c) => c.title)).toEqual(['kept']);
    } finally {
      second.close();
    }
  });

  it('the checked-in fixture is a version-1 database', () => {
    const db = new Database(FIXTURE_V1, { readonly: true });
    try {
      expect(userVersion(db)).toBe(1);
      const tables = (
        db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as Array<{ name: string }>
      ).map((row) => row.name);
      expect(tables).not.toContain('stream_logs');
    } finally {
      db.close();
    }
  });

  it('migrates the version-1 fixture, keeping its data and taking a backup first', () => {
    const dir = makeTempDir();
    fs.copyFileSync(FIXTURE_V1, path.join(dir, 'nagare.db'));
    const store = openStore(dir);
    try {
      expect(store.opened.migratedFrom).toBe(1);
      expect(userVersion(store.opened.db)).toBe(CURRENT_SCHEMA_VERSION);
      const backup = store.opened.backupPath;
      expect(backup).toMatch(/nagare\.db\.backup-v1-\d{8}T\d{9}Z$/);
      expect(fs.existsSync(backup ?? '')).toBe(true);
      const copy = new Database(backup ?? '', { readonly: true });
      try {
        expect(userVersion(copy)).toBe(1);
        expect((copy.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(3);
      } finally {
        copy.close();
      }

      const list = store.repo.listConversations();
      expect(list.items).toEqual([
        {
          id: 'conv-1',
          title: 'Trip planning',
          pinned: true,
          createdAt: 1700000000000,
          updatedAt: 1700000300000,
          providerId: null,
          model: 'gpt-4o',
        },
      ]);
      const opened = store.repo.openConversation({ conversationId: 'conv-1' });
      expect(opened.conversation.parameters).toEqual({ temperature: 0.5 });
      expect(opened.messages.map((m) => [m.id, m.versionIndex, m.versionCount])).toEqual([
        ['msg-1', 1, 1],
        ['msg-3', 2, 2],
      ]);
      expect(store.drafts.get('conv-1')).toEqual({ text: 'half-typed question', attachments: [] });
      // Migration 2 indexed the rows that were already there.
      expect(store.repo.search('日本語').map((hit) => hit.messageId)).toEqual(['msg-1']);
      expect(store.repo.search('Osaka').map((hit) => hit.messageId)).toEqual(['msg-3']);
    } finally {
      store.close();
    }
  });

  it('rolls back a failing migration and leaves the version unchanged', () => {
    const dir = makeTempDir();
    fs.copyFileSync(FIXTURE_V1, path.join(dir, 'nagare.db'));
    const broken = [
      { version: 2, description: 'broken', sql: 'CREATE TABLE extra (x); INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => openHistoryDatabase({ directory: dir, now: makeClock().now, migrations: broken })).toThrow(
      HistoryError,
    );
    const db = new Database(path.join(dir, 'nagare.db'));
    try {
      expect(userVersion(db)).toBe(1);
      expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'extra'").get()).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('moves a file that is not a database aside with its -wal, keeps it, and starts fresh', () => {
    const dir = makeTempDir();
    const file = path.join(dir, 'nagare.db');
    const garbage = 'this is not sqlite '.repeat(500);
    fs.writeFileSync(file, garbage);
    fs.writeFileSync(`${file}-wal`, 'wal bytes');
    const store = openStore(dir);
    try {
      const moved = store.opened.movedAsidePath;
      expect(moved).toMatch(/nagare\.db\.corrupt-\d{8}T\d{9}Z$/);
      expect(fs.readFileSync(moved ?? '', 'utf8')).toBe(garbage);
      expect(fs.readFileSync(`${moved}-wal`, 'utf8')).toBe('wal bytes');
      expect(store.opened.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
      const conversation = store.repo.createConversation();
      store.repo.addUserMessage(conversation.id, null, 'works again');
      expect(store.repo.listConversations().items).toHaveLength(1);
    } finally {
      store.close();
    }
  });

  it('moves aside a database whose schema is damaged behind a good header', () => {
    const first = openStore();
    first.repo.createConversation({ title: 'lost' });
    first.opened.db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    first.close();
    const file = path.join(first.dir, 'nagare.db');
    const bytes = fs.readFileSync(file);
    // Keep the 100-byte file header and scribble over the rest of page 1, the schema's.
    bytes.fill(0xa5, 100, 4096);
    fs.writeFileSync(file, bytes);
    const second = openStore(first.dir);
    try {
      expect(second.opened.movedAsidePath).not.toBeNull();
      expect(fs.readFileSync(second.opened.movedAsidePath ?? '').equals(bytes)).toBe(true);
      expect(second.repo.listConversations().items).toEqual([]);
    } finally {
      second.close();
    }
  });

  it('opens a database damaged past its schema without reading the rest: the health check finds that', () => {
    const first = openStore();
    writeConversations(first.repo, 40);
    first.close();
    const file = path.join(first.dir, 'nagare.db');
    damageTable(file, 'messages');
    const second = openStore(first.dir);
    try {
      expect(second.opened.movedAsidePath).toBeNull();
      expect(second.repo.listConversations({ limit: 100 }).items).toHaveLength(40);
    } finally {
      second.close();
    }
  });

  it('reports an unusable folder as a storage error and moves nothing', () => {
    const dir = makeTempDir();
    const notAFolder = path.join(dir, 'file');
    fs.writeFileSync(notAFolder, 'x');
    let caught: unknown;
    try {
      openHistoryDatabase({ directory: path.join(notAFolder, 'userData'), now: makeClock().now });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HistoryError);
    expect((caught as HistoryError).toShape().code).toBe('storage');
    expect(fs.readdirSync(dir)).toEqual(['file']);
  });

  it('reports a full database (SQLITE_FULL) as a storage error and keeps earlier data', () => {
    const store = openStore();
    try {
      const conversation = store.repo.createConversation();
      const first = store.repo.addUserMessage(conversation.id, null, 'saved before the disk filled');
      const pages = (store.opened.db.prepare('PRAGMA page_count').get() as { page_count: number }).page_count;
      // A real engine error: SQLite refuses to grow the file past max_page_count.
      store.opened.db.exec(`PRAGMA max_page_count = ${pages}`);
      let caught: unknown;
      try {
        store.repo.addUserMessage(conversation.id, first.id, 'x'.repeat(200_000));
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(HistoryError);
      expect((caught as HistoryError).toShape()).toEqual({
        code: 'storage',
        message: expect.stringMatching(/disk is full/),
        reason: 'disk_full',
      });
      expect(store.repo.openConversation({ conversationId: conversation.id }).messages.map((m) => m.content)).toEqual([
        'saved before the disk filled',
      ]);
      store.opened.db.exec('PRAGMA max_page_count = 1073741823');
      store.repo.addUserMessage(conversation.id, first.id, 'room again');
      expect(store.repo.openConversation({ conversationId: conversation.id }).messages).toHaveLength(2);
    } finally {
      store.close();
    }
  });
});
