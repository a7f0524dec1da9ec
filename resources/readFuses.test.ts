import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packedAppsIn } from './readFuses';

describe('packedAppsIn', () => {
  let dist: string;
  beforeEach(() => {
    dist = mkdtempSync(join(tmpdir(), 'nagare-dist-'));
  });
  afterEach(() => rmSync(dist, { recursive: true, force: true }));

  it('finds the app electron-builder leaves beside the installers, for each OS', () => {
    for (const file of [
      'linux-unpacked/nagare',
      'linux-unpacked/chrome-sandbox',
      'mac-arm64/Nagare.app/Contents/Info.plist',
      'win-unpacked/Nagare.exe',
      'win-unpacked/ffmpeg.dll',
    ]) {
      mkdirSync(join(dist, file, '..'), { recursive: true });
      writeFileSync(join(dist, file), '');
    }
    writeFileSync(join(dist, 'Nagare-0.1.0.AppImage'), '');
    expect(packedAppsIn(dist).sort()).toEqual(
      [
        join(dist, 'linux-unpacked', 'nagare'),
        join(dist, 'mac-arm64', 'Nagare.app'),
        join(dist, 'win-unpacked', 'Nagare.exe'),
      ].sort(),
    );
    expect(packedAppsIn(join(dist, 'missing'))).toEqual([]);
  });
});
