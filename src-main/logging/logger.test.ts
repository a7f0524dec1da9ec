import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Logger, type LogFileSystem, type LoggerOptions } from './logger';

const KEY = 'stored-key-value-for-openai-1234';
const CLOCK = () => Date.UTC(2030, 0, 2, 3, 4, 5);

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'nagare-log-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function logger(overrides: Partial<LoggerOptions> = {}): Logger {
  return new Logger({
    directory: join(directory, 'logs'),
    clock: CLOCK,
    maxFileBytes: 1_000_000,
    rotatedFiles: 3,
    secrets: () => [KEY],
    level: 'debug',
    ...overrides,
  });
}

function lines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('Logger', () => {
  it('appends one JSON object per line to <dir>/main.log, creating the folder', () => {
    const log = logger();
    log.info('started', { version: '0.1.0' });
    log.error('failed', { status: 500 });
    expect(log.file).toBe(join(directory, 'logs', 'main.log'));
    expect(lines(log.file)).toEqual([
      { time: '2030-01-02T03:04:05.000Z', level: 'info', msg: 'started', fields: { version: '0.1.0' } },
      { time: '2030-01-02T03:04:05.000Z', level: 'error', msg: 'failed', fields: { status: 500 } },
    ]);
  });

  it('drops lines below its level', () => {
    const log = logger({ level: 'warn' });
    log.debug('d');
    log.info('i');
    log.warn('w');
    log.error('e');
    expect(lines(log.file).map((line) => line['level'])).toEqual(['warn', 'error']);
  });

  it('redacts headers, tokens and the stored keys known at the time of writing', () => {
    const known = new Set<string>();
    const log = logger({ secrets: () => known });
    known.add(KEY);
    log.warn(`auth failed for ${KEY}`, {
      request: { headers: { Authorization: `Bearer ${KEY}`, 'api-key': KEY, accept: 'json' } },
      error: new Error(`401 with key ${KEY}`),
      body: `{"note":"sk-proj-abcdef1234567890"}`,
    });
    const text = readFileSync(log.file, 'utf8');
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('sk-proj-abcdef1234567890');
    const [line] = lines(log.file);
    expect(line).toMatchObject({
      msg: 'auth failed for [REDACTED]',
      fields: {
        request: { headers: { Authorization: '[REDACTED]', 'api-key': '[REDACTED]', accept: 'json' } },
        error: { message: '401 with key [REDACTED]' },
      },
    });
  });

  it('rotates by size, keeping the newest lines and at most N old files', () => {
    const log = logger({ maxFileBytes: 300, rotatedFiles: 2 });
    for (let index = 0; index < 40; index++) log.info(`line ${String(index).padStart(2, '0')}`);
    const dir = join(directory, 'logs');
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    for (const name of ['main.log', 'main.1.log', 'main.2.log']) {
      expect(fs.statSync(join(dir, name)).size).toBeLessThanOrEqual(300);
    }
    const ordered = [...lines(join(dir, 'main.2.log')), ...lines(join(dir, 'main.1.log')), ...lines(log.file)];
    const numbers = ordered.map((line) => Number(String(line['msg']).slice(5)));
    // Contiguous and ending with the newest line: nothing lost between the kept files.
    expect(numbers.at(-1)).toBe(39);
    expect(numbers).toEqual(numbers.map((_, index) => (numbers[0] ?? 0) + index));
  });

  it('continues a log left by an earlier run, counting its size', () => {
    const dir = join(directory, 'logs');
    fs.mkdirSync(dir);
    writeFileSync(join(dir, 'main.log'), `${'x'.repeat(250)}\n`);
    const log = logger({ maxFileBytes: 300, rotatedFiles: 1 });
    log.info('a fresh line that does not fit');
    expect(readFileSync(join(dir, 'main.1.log'), 'utf8')).toBe(`${'x'.repeat(250)}\n`);
    expect(lines(log.file)).toHaveLength(1);
  });

  it('with no rotated files kept, starts the file over', () => {
    const log = logger({ maxFileBytes: 200, rotatedFiles: 0 });
    for (let index = 0; index < 10; index++) log.info(`line ${index}`);
    expect(readdirSync(join(directory, 'logs'))).toEqual(['main.log']);
    expect(lines(log.file).at(-1)?.['msg']).toBe('line 9');
  });

  describe('never throws', () => {
    it('when the disk is full: the line goes to stderr, still redacted', () => {
      const full: LogFileSystem = {
        ...fs,
        appendFileSync: () => {
          throw Object.assign(new Error(`ENOSPC: no space left, write ${KEY}`), { code: 'ENOSPC' });
        },
      };
      const written: string[] = [];
      const log = logger({ fs: full, stderr: (text) => void written.push(text) });
      expect(() => log.error(`could not reach the API with ${KEY}`, { authorization: `Bearer ${KEY}` })).not.toThrow();
      expect(written).toHaveLength(1);
      expect(written[0]).toContain('could not write the log (ENOSPC)');
      expect(written[0]).toContain('could not reach the API with [REDACTED]');
      expect(written.join('')).not.toContain(KEY);
    });

    it('when the folder cannot be created (a file is in the way)', () => {
      writeFileSync(join(directory, 'logs'), 'not a folder');
      const written: string[] = [];
      const log = logger({ stderr: (text) => void written.push(text) });
      expect(() => log.info('hello')).not.toThrow();
      expect(written[0]).toMatch(/could not write the log \((EEXIST|ENOTDIR)\)/);
    });

    it('when stderr fails too', () => {
      const log = logger({
        fs: {
          ...fs,
          mkdirSync: () => {
            throw new Error('EROFS');
          },
        },
        stderr: () => {
          throw new Error('EPIPE');
        },
      });
      expect(() => log.warn('lost')).not.toThrow();
    });

    it('when the secrets source fails: the line is dropped rather than written unredacted', () => {
      const log = logger({
        secrets: () => {
          throw new Error('service not ready');
        },
      });
      expect(() => log.info(`message with ${KEY}`, { key: KEY })).not.toThrow();
      expect(lines(log.file)).toEqual([
        { time: '2030-01-02T03:04:05.000Z', level: 'info', msg: '[line dropped: it could not be redacted]' },
      ]);
    });

    it('when the clock or the fields misbehave', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic['self'] = cyclic;
      const log = logger({ clock: () => Number.NaN });
      expect(() => log.info('odd', { cyclic, big: 1n })).not.toThrow();
      expect(lines(log.file)).toEqual([
        { time: 'unknown', level: 'info', msg: 'odd', fields: { cyclic: { self: '[Circular]' }, big: '1' } },
      ]);
    });
  });
});
