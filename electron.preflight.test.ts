// `npm start` and `npm run dev` on a copy of this project whose Electron package has no binary, as on a
// fresh clone: no download possible, a download from a local mirror, and a build given by
// ELECTRON_OVERRIDE_DIST_PATH. The stand-in Electron is a shell script, so these run where `sh` does.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { describeDownloadError, electronPackage, executableInElectronFolder, findElectron } from './electron.preflight';

const repoRoot = import.meta.dirname;
const electronVersion = electronPackage(repoRoot)!.version;
const unixLike = process.platform !== 'win32';
const scratchDirs: string[] = [];

afterEach(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratchDir(prefix: string): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  scratchDirs.push(dir);
  return dir;
}

/**
 * A copy of this project as a fresh clone has it: sources linked, every package linked except
 * `electron`, which is copied without `dist/` and `path.txt`, so whatever this machine downloaded
 * stays out of it and the installer writes into the copy. The preflight and the electron-vite
 * configuration are copied: they find the project from their own location.
 */
function freshClone(): string {
  const project = scratchDir('nagare-preflight-');
  const copied = new Set(['electron.preflight.ts', 'electron.vite.config.ts']);
  const left = new Set(['node_modules', 'out', 'dist', '.git', 'test-results', 'playwright-report']);
  for (const entry of readdirSync(repoRoot)) {
    if (left.has(entry)) continue;
    if (copied.has(entry)) copyFileSync(join(repoRoot, entry), join(project, entry));
    else symlinkSync(join(repoRoot, entry), join(project, entry));
  }
  const modules = join(repoRoot, 'node_modules');
  mkdirSync(join(project, 'node_modules'));
  for (const entry of readdirSync(modules)) {
    // Caches (.vite…) stay out; .bin is what npm puts on PATH.
    if (entry === 'electron' || (entry.startsWith('.') && entry !== '.bin')) continue;
    symlinkSync(join(modules, entry), join(project, 'node_modules', entry));
  }
  const electron = join(modules, 'electron');
  cpSync(electron, join(project, 'node_modules', 'electron'), {
    recursive: true,
    filter: (source) => !['dist', 'path.txt', 'node_modules'].includes(relative(electron, source).split(/[\\/]/)[0]!),
  });
  return project;
}

/** A stand-in Electron: writes its working directory and arguments, one a line, to $NAGARE_STUB_RECORD. */
const STUB_SCRIPT = '#!/bin/sh\n{ pwd; for arg in "$@"; do printf \'%s\\n\' "$arg"; done; } > "$NAGARE_STUB_RECORD"\n';

function readStubRecord(path: string): { cwd: string; args: string[] } {
  const [cwd, ...args] = readFileSync(path, 'utf8').trimEnd().split('\n');
  return { cwd: cwd!, args };
}

/** A zip of stored (uncompressed) files with Unix modes, as Electron's release zips carry them. */
function zip(files: Array<{ name: string; content: string; mode: number }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name);
    const data = Buffer.from(file.content);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the mode below is read
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE((file.mode << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** An Electron release mirror on 127.0.0.1 serving a stand-in Electron zip and its SHASUMS256.txt. */
async function startMirror(): Promise<{ url: string; requests: string[]; server: Server }> {
  const executable = executableInElectronFolder({});
  const archive = zip([
    { name: executable, content: STUB_SCRIPT, mode: 0o100755 },
    { name: 'version', content: electronVersion, mode: 0o100644 },
  ]);
  const sha256 = createHash('sha256').update(archive).digest('hex');
  const requests: string[] = [];
  let zipName = '';
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url!, 'http://mirror').pathname);
    requests.push(path);
    if (path.startsWith(`/v${electronVersion}/`) && path.endsWith('.zip')) {
      zipName = path.split('/').pop()!;
      // Sent in pieces, so that progress has something to report.
      response.writeHead(200, { 'content-type': 'application/zip', 'content-length': archive.length });
      const half = Math.floor(archive.length / 2);
      response.write(archive.subarray(0, half));
      setImmediate(() => response.end(archive.subarray(half)));
    } else if (path === `/v${electronVersion}/SHASUMS256.txt` && zipName) {
      response.end(`${sha256} *${zipName}\n`);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, requests, server };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}

interface Run {
  code: number | null;
  output: string;
}

/**
 * Runs an npm script in `project` with none of this run's Electron or npm settings, a download cache of
 * its own (never the machine's, which may hold a real Electron), and `env` on top.
 */
function npmRun(project: string, script: string, env: Record<string, string>): Promise<Run> {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^(electron_|npm_|vitest)/i.test(name)),
  );
  return new Promise((done) => {
    execFile(
      'npm',
      ['run', script],
      {
        cwd: project,
        env: { ...clean, electron_config_cache: scratchDir('nagare-electron-cache-'), ...env },
        timeout: 120_000,
        killSignal: 'SIGKILL',
      },
      (error, stdout, stderr) =>
        done({ code: error ? ((error.code as number | undefined) ?? null) : 0, output: stdout + stderr }),
    );
  });
}

describe.runIf(unixLike)('npm start on a fresh clone', () => {
  it('without a binary and with the mirror unreachable, stops with what failed, the URL, how to retry, how to use another build, and that npm test does not need it', async () => {
    const project = freshClone();
    const port = await closedPort();
    const run = await npmRun(project, 'start', { ELECTRON_MIRROR: `http://127.0.0.1:${port}/` });

    expect(run.code).toBe(1);
    const tried = `http://127.0.0.1:${port}/v${electronVersion}/electron-v${electronVersion}-`;
    expect(run.output).toContain(`Could not download Electron ${electronVersion} for ${process.platform}-`);
    expect(run.output).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(run.output).toContain(`URL tried: ${tried}`);
    expect(run.output).toContain('To retry, run `npm start` again');
    expect(run.output).toContain('ELECTRON_OVERRIDE_DIST_PATH=/path/to/electron npm start');
    expect(run.output).toContain('`npm test` does not need Electron: its end-to-end tests run on the chromium host');
    // No stack trace, no thrown error printed by Node or electron-vite, and nothing was built.
    expect(run.output).not.toMatch(/^\s+at /m);
    expect(run.output).not.toMatch(/\bError:|Electron uninstall|error during/);
    expect(existsSync(join(project, 'out'))).toBe(false);
    expect(existsSync(join(project, 'node_modules', 'electron', 'path.txt'))).toBe(false);
  }, 60_000);

  it('downloads Electron from ELECTRON_MIRROR with progress, unpacks it with Electron’s installer, and `npm run dev` starts it with the app', async () => {
    const project = freshClone();
    const mirror = await startMirror();
    const record = join(scratchDir('nagare-stub-'), 'argv');
    try {
      const run = await npmRun(project, 'dev', {
        ELECTRON_MIRROR: mirror.url,
        // A mirror of our own has no entry in Electron's checksums.json: fetch its SHASUMS256.txt instead.
        electron_use_remote_checksums: '1',
        NAGARE_STUB_RECORD: record,
      });

      expect(run.code, run.output).toBe(0);
      // The zip once: the installer takes it from the cache. The checksums each time the zip is checked.
      expect(mirror.requests).toEqual([
        expect.stringMatching(
          new RegExp(`^/v${electronVersion}/electron-v${electronVersion}-${process.platform}-\\w+\\.zip$`),
        ),
        `/v${electronVersion}/SHASUMS256.txt`,
        `/v${electronVersion}/SHASUMS256.txt`,
      ]);
      expect(run.output).toContain(`Downloading Electron ${electronVersion} for ${process.platform}-`);
      expect(run.output).toContain(`${mirror.url}v${electronVersion}/electron-v${electronVersion}-`);
      expect(run.output).toMatch(/^ {2}100%/m);
      expect(run.output).toContain(`Electron ${electronVersion} is ready.`);

      // Installed where and as Electron's own package looks for it.
      const electronDir = join(project, 'node_modules', 'electron');
      const executable = executableInElectronFolder({});
      expect(readFileSync(join(electronDir, 'path.txt'), 'utf8')).toBe(executable);
      expect(statSync(join(electronDir, 'dist', executable)).mode & 0o111).not.toBe(0);
      expect(findElectron({}, electronPackage(project))).toEqual({
        found: true,
        binary: join(electronDir, 'dist', executable),
        from: 'node_modules',
      });

      const started = readStubRecord(record);
      expect(resolve(started.cwd, started.args[0]!)).toBe(project);
      expect(existsSync(join(project, 'out', 'main', 'index.js'))).toBe(true);
    } finally {
      await new Promise((done) => mirror.server.close(done));
    }
  }, 120_000);

  it('with ELECTRON_OVERRIDE_DIST_PATH at a build, builds the app and starts that build with the app’s path, downloading nothing', async () => {
    const project = freshClone();
    const build = scratchDir('nagare-electron-build-');
    const stub = join(build, executableInElectronFolder({}));
    mkdirSync(resolve(stub, '..'), { recursive: true });
    writeFileSync(stub, STUB_SCRIPT);
    chmodSync(stub, 0o755);
    const record = join(build, 'argv');
    const port = await closedPort();

    const run = await npmRun(project, 'start', {
      ELECTRON_OVERRIDE_DIST_PATH: build,
      ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
      NAGARE_STUB_RECORD: record,
    });

    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`Using Electron from ELECTRON_OVERRIDE_DIST_PATH: ${stub}`);
    expect(run.output).not.toContain('Downloading');
    const started = readStubRecord(record);
    expect(resolve(started.cwd, started.args[0]!)).toBe(project);
    // `npm start` built the app it started.
    expect(existsSync(join(project, 'out', 'main', 'index.js'))).toBe(true);
    expect(existsSync(join(project, 'out', 'renderer', 'index.html'))).toBe(true);
    expect(existsSync(join(project, 'node_modules', 'electron', 'path.txt'))).toBe(false);
  }, 120_000);

  it('with ELECTRON_EXEC_PATH at nothing, says so and downloads nothing', async () => {
    const project = freshClone();
    const missing = join(scratchDir('nagare-no-electron-'), 'electron');
    const port = await closedPort();
    const run = await npmRun(project, 'start', {
      ELECTRON_EXEC_PATH: missing,
      ELECTRON_MIRROR: `http://127.0.0.1:${port}/`,
    });

    expect(run.code).toBe(1);
    expect(run.output).toContain(`ELECTRON_EXEC_PATH is ${missing}, and there is no file there.`);
    expect(run.output).not.toContain('Downloading');
    expect(run.output).not.toMatch(/^\s+at /m);
  }, 60_000);
});

describe('findElectron', () => {
  function fakePackage(files: Record<string, string>): { dir: string; version: string } {
    const dir = scratchDir('nagare-electron-package-');
    for (const [name, content] of Object.entries(files)) {
      mkdirSync(resolve(dir, name, '..'), { recursive: true });
      writeFileSync(join(dir, name), content);
    }
    return { dir, version: '45.5.0' };
  }
  const linux = { ELECTRON_INSTALL_PLATFORM: 'linux' };

  it('takes the binary only when path.txt names it and dist/ holds the package’s version', () => {
    const complete = fakePackage({ 'path.txt': 'electron', 'dist/version': 'v45.5.0', 'dist/electron': '' });
    expect(findElectron(linux, complete)).toEqual({
      found: true,
      binary: join(complete.dir, 'dist', 'electron'),
      from: 'node_modules',
    });
    const noPathFile = fakePackage({ 'dist/version': '45.5.0', 'dist/electron': '' });
    expect(findElectron(linux, noPathFile)).toEqual({ found: false, problem: null });
    const older = fakePackage({ 'path.txt': 'electron', 'dist/version': '44.0.0', 'dist/electron': '' });
    expect(findElectron(linux, older)).toEqual({ found: false, problem: null });
    const noBinary = fakePackage({ 'path.txt': 'electron', 'dist/version': '45.5.0' });
    expect(findElectron(linux, noBinary)).toEqual({ found: false, problem: null });
  });

  it('names the executable per platform as Electron’s installer does', () => {
    expect(executableInElectronFolder({ ELECTRON_INSTALL_PLATFORM: 'linux' })).toBe('electron');
    expect(executableInElectronFolder({ ELECTRON_INSTALL_PLATFORM: 'win32' })).toBe('electron.exe');
    expect(executableInElectronFolder({ npm_config_platform: 'darwin' })).toBe('Electron.app/Contents/MacOS/Electron');
  });

  it('prefers ELECTRON_EXEC_PATH, then ELECTRON_OVERRIDE_DIST_PATH, and reports either pointing at nothing', () => {
    const installed = fakePackage({ 'path.txt': 'electron', 'dist/version': '45.5.0', 'dist/electron': '' });
    const build = fakePackage({ electron: '' });
    expect(findElectron({ ...linux, ELECTRON_EXEC_PATH: join(build.dir, 'electron') }, installed)).toEqual({
      found: true,
      binary: join(build.dir, 'electron'),
      from: 'ELECTRON_EXEC_PATH',
    });
    expect(findElectron({ ...linux, ELECTRON_OVERRIDE_DIST_PATH: build.dir }, installed)).toEqual({
      found: true,
      binary: join(build.dir, 'electron'),
      from: 'ELECTRON_OVERRIDE_DIST_PATH',
    });
    const empty = scratchDir('nagare-empty-');
    expect(findElectron({ ...linux, ELECTRON_OVERRIDE_DIST_PATH: empty }, installed)).toEqual({
      found: false,
      problem: `ELECTRON_OVERRIDE_DIST_PATH is ${empty}, and there is no electron in it.`,
    });
    expect(findElectron({ ...linux, ELECTRON_EXEC_PATH: join(empty, 'x') }, installed)).toEqual({
      found: false,
      problem: `ELECTRON_EXEC_PATH is ${join(empty, 'x')}, and there is no file there.`,
    });
    expect(findElectron(linux, null)).toEqual({
      found: false,
      problem: 'The electron package is not installed: run `npm install` first.',
    });
  });
});

describe('describeDownloadError', () => {
  it('says what went wrong in one line for the failures a download meets', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }),
    });
    expect(describeDownloadError(refused)).toBe('connect ECONNREFUSED 127.0.0.1:9');
    const bothFamilies = Object.assign(new TypeError('fetch failed'), {
      cause: new AggregateError(
        [new Error('connect ECONNREFUSED ::1:9'), new Error('connect ECONNREFUSED 127.0.0.1:9')],
        '',
      ),
    });
    expect(describeDownloadError(bothFamilies)).toBe('connect ECONNREFUSED ::1:9; connect ECONNREFUSED 127.0.0.1:9');
    const notFound = Object.assign(new Error('Response code 404'), {
      name: 'HTTPError',
      response: { status: 404, statusText: 'Not Found' },
    });
    expect(describeDownloadError(notFound)).toBe('the server answered 404 Not Found');
    expect(describeDownloadError(new Error('Generated checksum did not match\n    at validate'))).toBe(
      'Generated checksum did not match',
    );
  });
});
