import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, openStore, removeTempDirs } from './testSupport';

afterEach(removeTempDirs);

const WRITER = path.join(import.meta.dirname, 'crashWriter.cli.ts');

describe('crash safety', () => {
  it('keeps the last committed flush of a process killed mid-stream and marks the reply interrupted', async () => {
    const dir = makeTempDir();
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let messageId = '';
    let lastFlushed = 0;
    let buffered = '';
    await new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', () => resolve());
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        buffered += chunk;
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const [word, value] = line.split(' ');
          if (word === 'message') messageId = value ?? '';
          if (word === 'flushed') lastFlushed = Number(value);
        }
        // Kill without warning once a good number of flushes have been committed.
        if (lastFlushed >= 200 && child.exitCode === null && !child.killed) child.kill('SIGKILL');
      });
    });
    expect(child.signalCode).toBe('SIGKILL');
    expect(messageId).not.toBe('');

    const store = openStore(dir);
    try {
      expect(store.opened.movedAsidePath).toBeNull();
      expect(store.repo.getMessage(messageId).status).toBe('streaming');
      expect(store.repo.markInterruptedOnStartup()).toBe(1);
      const message = store.repo.getMessage(messageId);
      expect(message.status).toBe('interrupted');
      const tokens = message.content.trim().split(' ');
      expect(tokens.length).toBeGreaterThanOrEqual(lastFlushed);
      expect(tokens.slice(0, 3)).toEqual(['t1', 't2', 't3']);
      expect(tokens.at(-1)).toBe(`t${tokens.length}`);
    } finally {
      store.close();
    }
  }, 30_000);
});
