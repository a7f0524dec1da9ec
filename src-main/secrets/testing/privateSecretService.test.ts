// The private Secret Service the test runs start (see privateSecretService.ts), on the real daemons.
import { execFile, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, inject, it } from 'vitest';
import {
  missingProgramsProblem,
  PRIVATE_SECRET_SERVICE_PREFIX,
  startTestSecretService,
  TEST_KEYCHAIN_PROBLEM_VARIABLE,
  type TestSecretService,
} from './privateSecretService';

const run = promisify(execFile);
const freedesktop = process.platform !== 'darwin' && process.platform !== 'win32';
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const cli = fileURLToPath(new URL('./privateSecretService.cli.ts', import.meta.url));
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Waits (at most 10 s) for every process to be gone; returns those still there. */
async function survivors(pids: number[]): Promise<number[]> {
  const deadline = Date.now() + 10_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return pids.filter(alive);
}

function secretTool(address: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      'secret-tool',
      args,
      { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address }, timeout: 10_000 },
      (error, stdout) => {
        // `lookup` exits 1 with no output when nothing matches.
        if (error && !(error.code === 1 && stdout === '')) reject(error);
        else resolve(stdout);
      },
    );
    child.stdin?.end(input);
  });
}

describe.runIf(freedesktop)('the private Secret Service', () => {
  it('is what this test process talks to: the run’s own bus, inherited by the forked worker', () => {
    const provided = inject('testSecretService');
    expect(provided.kind).toBe('private');
    if (provided.kind !== 'private') return;
    expect(process.env.DBUS_SESSION_BUS_ADDRESS).toBe(provided.address);
    expect(provided.address).toContain(join(tmpdir(), PRIVATE_SECRET_SERVICE_PREFIX));
    expect(provided.pids.every(alive)).toBe(true);
    expect(process.env[TEST_KEYCHAIN_PROBLEM_VARIABLE]).toBeUndefined();
  });

  it('keeps its keys to itself and leaves no process or folder behind when stopped', async () => {
    const service = await startTestSecretService();
    if (service.kind === 'private') cleanups.push(service.stop);
    expect(service.kind).toBe('private');
    if (service.kind !== 'private') return;
    expect(service.pids).toHaveLength(2);
    expect(service.pids.every(alive)).toBe(true);

    const attributes = ['service', 'Nagare', 'account', `private-${process.pid}`];
    await secretTool(service.address, ['store', '--label=Nagare test', ...attributes], 'sk-only-in-this-one');
    expect(await secretTool(service.address, ['lookup', ...attributes])).toBe('sk-only-in-this-one');
    // Not in the run's own service, which is a different keyring.
    expect(await secretTool(process.env.DBUS_SESSION_BUS_ADDRESS!, ['lookup', ...attributes])).toBe('');

    await service.stop();
    expect(service.pids.filter(alive)).toEqual([]);
    expect(existsSync(service.folder)).toBe(false);
  });

  it.each([
    ['killed', (child: ReturnType<typeof spawn>) => child.kill('SIGKILL')],
    [
      'interrupted from its terminal (Ctrl-C)',
      (child: ReturnType<typeof spawn>) => process.kill(-child.pid!, 'SIGINT'),
    ],
  ])('does not outlive a test run that is %s', async (_how, end) => {
    // Its own process group, as a terminal's foreground job is.
    const child = spawn(process.execPath, ['--import', 'tsx', cli], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    cleanups.push(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    const started = await new Promise<TestSecretService & { pids?: number[]; folder?: string }>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => {
        text += chunk.toString();
        if (text.includes('\n')) resolve(JSON.parse(text));
      });
      child.once('exit', (code) => reject(new Error(`the child exited (${code}) before it started a service`)));
    });
    expect(started.kind).toBe('private');
    expect(started.pids!.every(alive)).toBe(true);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    end(child);
    await exited;

    expect(await survivors(started.pids!)).toEqual([]);
    // The reaper removes the folder once the daemons are gone.
    await survivors([]);
    const deadline = Date.now() + 10_000;
    while (existsSync(started.folder!) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(existsSync(started.folder!)).toBe(false);
  });
});

describe('when the programs are missing', () => {
  function binWith(...programs: string[]): string {
    const dir = mkdtempSync(join(tmpdir(), 'nagare-bin-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    for (const program of programs) {
      writeFileSync(join(dir, program), '#!/bin/sh\n');
      chmodSync(join(dir, program), 0o755);
    }
    return dir;
  }

  it('names each missing program and the Debian packages to install, in one line', () => {
    expect(missingProgramsProblem('')).toBe(
      'The keychain tests need a private Secret Service, and dbus-daemon, dbus-send, gnome-keyring-daemon, ' +
        'secret-tool are not installed: sudo apt-get install dbus gnome-keyring libsecret-tools',
    );
    expect(missingProgramsProblem(binWith('dbus-daemon', 'dbus-send', 'secret-tool'))).toBe(
      'The keychain tests need a private Secret Service, and gnome-keyring-daemon is not installed: ' +
        'sudo apt-get install gnome-keyring',
    );
    expect(
      missingProgramsProblem(binWith('dbus-daemon', 'dbus-send', 'gnome-keyring-daemon', 'secret-tool')),
    ).toBeNull();
  });

  it.runIf(freedesktop)(
    'the keychain tests of a run fail at once with that line, and the other tests still run',
    async () => {
      // A PATH with Node and nothing else: no dbus-daemon, no gnome-keyring-daemon, no secret-tool.
      const bin = binWith();
      symlinkSync(process.execPath, join(bin, 'node'));
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([name]) => !/^(VITEST|DBUS_SESSION_BUS_ADDRESS$)/.test(name)),
      );
      const result = await run(
        process.execPath,
        [
          join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'),
          'run',
          'src-main/secrets/SecretsService.keychain.test.ts',
          'src-main/secrets/SessionSecretStore.test.ts',
        ],
        { cwd: repoRoot, env: { ...env, PATH: bin, NO_COLOR: '1' }, timeout: 60_000 },
      ).then(
        () => ({ failed: false, output: '' }),
        (error: { stdout: string; stderr: string }) => ({ failed: true, output: error.stdout + error.stderr }),
      );
      expect(result.failed).toBe(true);
      const line =
        'Error: The keychain tests need a private Secret Service, and dbus-daemon, dbus-send, ' +
        'gnome-keyring-daemon, secret-tool are not installed: sudo apt-get install dbus gnome-keyring libsecret-tools';
      // Vitest prints one error shared by several tests once, under the list of those tests.
      expect(result.output.split('\n').filter((each) => each.trim() === line)).toHaveLength(1);
      expect(result.output.match(/FAIL {2}src-main\/secrets\/SecretsService\.keychain\.test\.ts/g)).toHaveLength(3);
      expect(result.output).toMatch(/Tests\s+3 failed \| 2 passed/);
      expect(result.output).not.toMatch(/timed out|timeout/i);
    },
    90_000,
  );
});
