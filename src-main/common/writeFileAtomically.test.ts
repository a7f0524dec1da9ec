import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAtomicFileWriter, temporaryPathFor, writeFileAtomically } from './writeFileAtomically';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'nagare-atomic-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('writeFileAtomically', () => {
  it('writes text and bytes exactly, creating the folder, and leaves no temporary file', () => {
    const target = join(dir, 'nested', 'settings.json');
    writeFileAtomically(target, '{"日本語":"🍣"}');
    expect(readFileSync(target, 'utf8')).toBe('{"日本語":"🍣"}');
    writeFileAtomically(target, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(target)]).toEqual([1, 2, 3]);
    expect(readdirSync(join(dir, 'nested'))).toEqual(['settings.json']);
  });

  it('keeps the old file whole when the new one cannot be put in place', () => {
    const target = join(dir, 'export.json');
    mkdirSync(target);
    writeFileSync(join(target, 'inside'), 'old');
    // A folder stands where the file should go: the rename fails, nothing half-written remains.
    expect(() => writeFileAtomically(target, 'new')).toThrow();
    expect(readFileSync(join(target, 'inside'), 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['export.json']);
  });

  it('gives every write its own temporary name beside the target', () => {
    const target = join(dir, 'a.json');
    const names = new Set(Array.from({ length: 50 }, () => temporaryPathFor(target)));
    expect(names.size).toBe(50);
    for (const name of names) expect(name.startsWith(join(dir, '.a.json.'))).toBe(true);
  });
});

describe('openAtomicFileWriter', () => {
  it('shows the file only once committed, with every piece in order', async () => {
    const target = join(dir, 'history.json');
    writeFileSync(target, 'previous');
    const writer = await openAtomicFileWriter(target, 8);
    await writer.write('[');
    for (let index = 0; index < 100; index++) await writer.write(`${index === 0 ? '' : ','}"${index}日"`);
    await writer.write(']');
    expect(readFileSync(target, 'utf8')).toBe('previous');
    await writer.commit();
    const parsed = JSON.parse(readFileSync(target, 'utf8')) as string[];
    expect(parsed).toHaveLength(100);
    expect(parsed[99]).toBe('99日');
    expect(readdirSync(dir)).toEqual(['history.json']);
    await expect(writer.write('more')).rejects.toThrow();
  });

  it('leaves the target as it was when abandoned', async () => {
    const target = join(dir, 'history.md');
    writeFileSync(target, 'previous');
    const writer = await openAtomicFileWriter(target);
    await writer.write('x'.repeat(1_000_000));
    await writer.abort();
    await writer.abort();
    expect(readFileSync(target, 'utf8')).toBe('previous');
    expect(readdirSync(dir)).toEqual(['history.md']);
    expect(existsSync(target)).toBe(true);
  });
});
