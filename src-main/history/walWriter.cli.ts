/**
 * Test helper run as a child process by `walSafety.test.ts`: writes `argv[3]` conversations into
 * the database in `argv[2]`, prints their titles as JSON, and exits without closing the database,
 * as a crash would: the history stays in the write-ahead log, and the next process to open it
 * runs SQLite's recovery (a process that still has the database open shares its wal-index instead).
 */
import { randomUUID } from 'node:crypto';
import { openHistoryDatabase } from './database';
import { HistoryRepository } from './HistoryRepository';
import { writeConversations } from './testSupport';

const [directory, count] = process.argv.slice(2);
if (!directory || !count) throw new Error('usage: walWriter.cli.ts <directory> <conversations>');
const opened = openHistoryDatabase({ directory, now: Date.now });
const titles = writeConversations(new HistoryRepository(opened.db, Date.now, randomUUID), Number(count));
process.stdout.write(`${JSON.stringify(titles)}\n`, () => process.exit(0));
