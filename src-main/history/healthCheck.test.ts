import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTypeScriptWorker } from '../transfer/testSupport';
import {
  HEALTH_STATE_FILE,
  HealthRecord,
  RECHECK_AFTER_MS,
  checkHistoryFile,
  checkInWorker,
  checkReason,
  type HealthCheckWorkerData,
} from './healthCheck';
import { damageTable, makeClock, makeTempDir, openStore, removeTempDirs, writeConversations } from './testSupport';

afterEach(removeTempDirs);

const startFromSource = (data: HealthCheckWorkerData) =>
  startTypeScriptWorker(new URL('./healthCheckWorker.ts', import.meta.url), data);

/** A closed history of a few dozen conversations; answers its file. */
function closedHistory(): string {
  const store = openStore();
  writeConversations(store.repo, 40);
  store.close();
  return store.opened.path;
}

describe('checkReason', () => {
  const now = Date.UTC(2025, 5, 1);

  it('checks after a run that did not quit cleanly, and not after one that did', () => {
    expect(checkReason({ cleanShutdown: false, lastCheckedAt: now - 1000 }, now)).toBe('unclean-shutdown');
    expect(checkReason({ cleanShutdown: true, lastCheckedAt: now - 1000 }, now)).toBeNull();
  });

  it('checks when nothing is known, or when the last check is a week old', () => {
    expect(checkReason(null, now)).toBe('unknown');
    expect(checkReason({ cleanShutdown: true, lastCheckedAt: null }, now)).toBe('overdue');
    expect(checkReason({ cleanShutdown: true, lastCheckedAt: now - RECHECK_AFTER_MS }, now)).toBe('overdue');
    expect(checkReason({ cleanShutdown: true, lastCheckedAt: now - RECHECK_AFTER_MS + 1 }, now)).toBeNull();
  });
});

describe('HealthRecord', () => {
  it('a clean quit means no check at the next start; a run that never quit means one', () => {
    const dir = makeTempDir();
    const clock = makeClock();
    const first = new HealthRecord(dir, clock.now);
    expect(first.begin()).toBe('unknown');
    first.checked();
    first.endCleanly();

    const clean = new HealthRecord(dir, clock.now);
    expect(clean.begin()).toBeNull();
    // This run is killed: it never gets to endCleanly.

    const afterCrash = new HealthRecord(dir, clock.now);
    expect(afterCrash.begin()).toBe('unclean-shutdown');
    afterCrash.checked();
    afterCrash.endCleanly();
    expect(new HealthRecord(dir, clock.now).begin()).toBeNull();
  });

  it('a check that was due but did not finish before a clean quit is still due at the next start', () => {
    const dir = makeTempDir();
    const clock = makeClock();
    const crashed = new HealthRecord(dir, clock.now);
    crashed.begin();
    const interrupted = new HealthRecord(dir, clock.now);
    expect(interrupted.begin()).toBe('unclean-shutdown');
    interrupted.endCleanly();
    expect(new HealthRecord(dir, clock.now).begin()).toBe('unclean-shutdown');
  });

  it('checks again a week after the last check, even after clean quits', () => {
    const dir = makeTempDir();
    const clock = makeClock();
    const record = new HealthRecord(dir, clock.now);
    record.begin();
    record.checked();
    record.endCleanly();
    clock.advance(RECHECK_AFTER_MS);
    expect(new HealthRecord(dir, clock.now).begin()).toBe('overdue');
  });

  it('reads an unreadable record as nothing known, and keeps it aside', () => {
    const dir = makeTempDir();
    fs.writeFileSync(path.join(dir, HEALTH_STATE_FILE), '{"cleanShutdown": "yes"');
    expect(new HealthRecord(dir, makeClock().now).begin()).toBe('unknown');
    expect(fs.readdirSync(dir).filter((name) => name.startsWith(`${HEALTH_STATE_FILE}.corrupt-`))).toHaveLength(1);
  });
});

describe('checkHistoryFile', () => {
  it('finds a whole database healthy while main has it open, and main writes on after', () => {
    const store = openStore();
    try {
      writeConversations(store.repo, 20);
      expect(checkHistoryFile(store.opened.path)).toEqual({ status: 'healthy' });
      store.repo.createConversation({ title: 'written after the check' });
    } finally {
      store.close();
    }
  });

  it('finds the damage in a table that opening the file never reads', () => {
    const file = closedHistory();
    damageTable(file, 'messages');
    const report = checkHistoryFile(file);
    expect(report.status).toBe('damaged');
    expect(report.status === 'damaged' && report.problems.join(' ')).toMatch(/page|malformed|corrupt/i);
  });

  it('never writes: the checked file is byte for byte what it was', () => {
    const file = closedHistory();
    damageTable(file, 'messages');
    const before = fs.readFileSync(file);
    checkHistoryFile(file);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});

describe('checkInWorker', () => {
  it('checks in a worker thread: healthy, then damaged', async () => {
    const file = closedHistory();
    expect(await checkInWorker(startFromSource, file)).toEqual({ status: 'healthy' });
    damageTable(file, 'messages');
    expect(await checkInWorker(startFromSource, file)).toMatchObject({ status: 'damaged' });
  });

  it('answers unknown, not damaged, when the worker cannot run', async () => {
    const report = await checkInWorker(() => {
      throw new Error('no threads here');
    }, closedHistory());
    expect(report).toEqual({ status: 'unknown', detail: expect.stringContaining('no threads here') });
  });
});
