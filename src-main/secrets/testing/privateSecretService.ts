/**
 * A throw-away freedesktop Secret Service for one test run: a D-Bus session bus of its own and an
 * unlocked GNOME Keyring whose files live in a temporary folder. Vitest's and Playwright's global
 * set-up start one and point the test processes (and the apps the e2e fixture starts) at it through
 * `DBUS_SESSION_BUS_ADDRESS`, so keychain tests never reach the keyring of the person running them,
 * even when one is running. macOS and Windows keep using their own keychains (the tests use
 * throw-away accounts there); nothing is started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  closeSync,
  constants,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** What the test run's keychain is. */
export type TestSecretService =
  /** Linux and other freedesktop systems: our own bus and keyring, until `stop()`. */
  | {
      kind: 'private';
      /** The bus address the test processes get as `DBUS_SESSION_BUS_ADDRESS`. */
      address: string;
      /** dbus-daemon's and gnome-keyring-daemon's process ids. */
      pids: number[];
      /** The temporary folder with the bus socket and the keyring files; removed by `stop()`. */
      folder: string;
      stop(): Promise<void>;
    }
  /** macOS and Windows: the OS keychain, with throw-away accounts. */
  | { kind: 'os' }
  /** A freedesktop system where it could not be started; `problem` is one line that says how to fix it. */
  | { kind: 'unavailable'; problem: string };

/**
 * Set for the test processes when the keychain tests cannot run; {@link testKeychainProblem} reads it.
 * An environment variable reaches Vitest's forked workers, Playwright's workers and their children alike.
 */
export const TEST_KEYCHAIN_PROBLEM_VARIABLE = 'NAGARE_TEST_KEYCHAIN_PROBLEM';

/**
 * Where the test processes are pointed when there is no private bus: a socket that cannot exist, so
 * that nothing falls back to the person's own session bus (GLib tries `$XDG_RUNTIME_DIR/bus`, and
 * libdbus may autolaunch one on X11, whenever the variable is unset).
 */
export const NO_BUS_ADDRESS = 'unix:path=/nonexistent/nagare-test-bus';

/** Folder-name prefix of every private service; `.ci/npm-test` looks for leftovers by it. */
export const PRIVATE_SECRET_SERVICE_PREFIX = 'nagare-secret-service-';

/** The programs a private Secret Service and the keychain tests need, with the Debian package of each. */
const REQUIRED_PROGRAMS: ReadonlyArray<{ program: string; debianPackage: string }> = [
  { program: 'dbus-daemon', debianPackage: 'dbus' },
  { program: 'dbus-send', debianPackage: 'dbus' },
  { program: 'gnome-keyring-daemon', debianPackage: 'gnome-keyring' },
  { program: 'secret-tool', debianPackage: 'libsecret-tools' },
];

const SECRET_SERVICE_NAME = 'org.freedesktop.secrets';
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

function onPath(program: string, path = process.env.PATH ?? ''): boolean {
  return path.split(delimiter).some((dir) => {
    if (!dir) return false;
    try {
      accessSync(join(dir, program), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** One line naming the missing programs and the Debian packages that bring them, or null when none is missing. */
export function missingProgramsProblem(path = process.env.PATH ?? ''): string | null {
  const missing = REQUIRED_PROGRAMS.filter(({ program }) => !onPath(program, path));
  if (missing.length === 0) return null;
  const packages = [...new Set(missing.map(({ debianPackage }) => debianPackage))];
  return (
    `The keychain tests need a private Secret Service, and ${missing.map(({ program }) => program).join(', ')} ` +
    `${missing.length === 1 ? 'is' : 'are'} not installed: sudo apt-get install ${packages.join(' ')}`
  );
}

/** A D-Bus session bus with no service activation, so that it never starts a process of its own. */
function busConfig(socket: string): string {
  const escaped = socket.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path=${escaped}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Stops a process and waits for it, with SIGKILL if SIGTERM was not enough. */
async function terminate(child: ChildProcess): Promise<void> {
  const gone = exited(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await gone;
  clearTimeout(timer);
}

/**
 * A file for a daemon's stderr, and a reader of its last lines for error messages. A file rather than
 * a pipe: a pipe would hold the test runner's event loop, and a daemon writing to a closed one dies.
 */
function logFile(path: string): { fd: number; lastLines(): string } {
  const fd = openSync(path, 'a');
  return {
    fd,
    lastLines: () => {
      try {
        return readFileSync(path, 'utf8').trim().split('\n').slice(-3).join(' / ') || 'it printed nothing';
      } catch {
        return 'it printed nothing';
      }
    },
  };
}

function firstLine(child: ChildProcess, what: string, errors: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start in time: ${errors()}`)), START_TIMEOUT_MS);
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        clearTimeout(timer);
        resolve(text.slice(0, newline).trim());
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}): ${errors()}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function nameHasOwner(address: string, name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const query = spawn(
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      { env: { ...process.env, DBUS_SESSION_BUS_ADDRESS: address }, stdio: ['ignore', 'pipe', 'ignore'] },
    );
    let reply = '';
    query.stdout.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    query.once('error', () => resolve(false));
    query.once('exit', () => resolve(/boolean true/.test(reply)));
  });
}

async function waitForSecretService(address: string, keyring: ChildProcess, errors: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  // gnome-keyring-daemon says nothing when it is ready: ask the bus until the name has an owner.
  while (!(await nameHasOwner(address, SECRET_SERVICE_NAME))) {
    if (keyring.exitCode !== null || keyring.signalCode !== null)
      throw new Error(`gnome-keyring-daemon exited (${keyring.exitCode ?? keyring.signalCode}): ${errors()}`);
    if (Date.now() > deadline) throw new Error(`gnome-keyring-daemon did not start in time: ${errors()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Collects process ids until end-of-file, then kills them, waits up to 5 s for them and removes the folder ($1). */
const REAPER_SCRIPT = `
pids=
while read -r pid; do pids="$pids $pid"; done
kill $pids 2>/dev/null
for pid in $pids; do
  tries=0
  while kill -0 "$pid" 2>/dev/null && [ "$tries" -lt 50 ]; do sleep 0.1; tries=$((tries + 1)); done
done
rm -rf -- "$1"
`;

/**
 * Stops the daemons if this process ends without doing so (a crash, SIGKILL, Ctrl-C before the
 * teardown ran). It reads process ids from a pipe only this process writes to, and the pipe reaches
 * end-of-file whenever this process is gone, however it ended. It has its own process group, so a
 * Ctrl-C in the terminal does not take it away before it has done its job.
 */
function startReaper(folder: string): { watch(pid: number | undefined): void; dismiss(): void } {
  const reaper = spawn('sh', ['-c', REAPER_SCRIPT, 'nagare-secret-service-reaper', folder], {
    stdio: ['pipe', 'ignore', 'ignore'],
    detached: true,
  });
  reaper.unref();
  // An open pipe would keep the test runner's event loop alive.
  (reaper.stdin as Socket).unref();
  return {
    watch: (pid) => {
      if (pid !== undefined) reaper.stdin?.write(`${pid}\n`);
    },
    // Told to go without killing anything: the daemons are stopped already, and their ids may be reused.
    dismiss: () => {
      reaper.kill('SIGKILL');
    },
  };
}

/**
 * Starts a private Secret Service on freedesktop systems (see the module comment). Never throws:
 * a missing program or a failed start comes back as `{ kind: 'unavailable', problem }`.
 */
export async function startTestSecretService(platform: NodeJS.Platform = process.platform): Promise<TestSecretService> {
  if (platform === 'darwin' || platform === 'win32') return { kind: 'os' };
  const missing = missingProgramsProblem();
  if (missing) return { kind: 'unavailable', problem: missing };

  const root = mkdtempSync(join(tmpdir(), PRIVATE_SECRET_SERVICE_PREFIX));
  for (const dir of ['home', 'data', 'config', 'cache', 'runtime']) mkdirSync(join(root, dir), { mode: 0o700 });
  const configFile = join(root, 'bus.conf');
  writeFileSync(configFile, busConfig(join(root, 'bus')));

  const reaper = startReaper(root);
  const started: ChildProcess[] = [];
  const stopAll = async () => {
    for (const child of [...started].reverse()) await terminate(child);
    reaper.dismiss();
    rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  };

  try {
    const busLog = logFile(join(root, 'dbus-daemon.log'));
    const bus = spawn('dbus-daemon', [`--config-file=${configFile}`, '--nofork', '--print-address=1'], {
      stdio: ['ignore', 'pipe', busLog.fd],
      detached: true,
    });
    closeSync(busLog.fd);
    started.push(bus);
    reaper.watch(bus.pid);
    const address = await firstLine(bus, 'dbus-daemon', busLog.lastLines);

    // Only what the daemon needs, all inside `root`: XDG_DATA_HOME holds the keyring files and
    // XDG_RUNTIME_DIR its control socket, where a daemon already running for the person would
    // otherwise be found and handed our password. No DISPLAY: nothing may ever prompt.
    const keyringLog = logFile(join(root, 'gnome-keyring-daemon.log'));
    const keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
      env: {
        PATH: process.env.PATH ?? '',
        LANG: 'C.UTF-8',
        HOME: join(root, 'home'),
        XDG_DATA_HOME: join(root, 'data'),
        XDG_CONFIG_HOME: join(root, 'config'),
        XDG_CACHE_HOME: join(root, 'cache'),
        XDG_RUNTIME_DIR: join(root, 'runtime'),
        DBUS_SESSION_BUS_ADDRESS: address,
      },
      stdio: ['pipe', 'ignore', keyringLog.fd],
      detached: true,
    });
    closeSync(keyringLog.fd);
    started.push(keyring);
    reaper.watch(keyring.pid);
    // --unlock reads the password of the new default ("login") keyring from stdin: no prompt, ever.
    keyring.stdin?.end('nagare-test-keyring');
    await waitForSecretService(address, keyring, keyringLog.lastLines);

    for (const child of started) {
      child.unref();
      (child.stdout as Socket | null)?.unref();
    }
    return {
      kind: 'private',
      address,
      pids: started.map((child) => child.pid!),
      folder: root,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    return {
      kind: 'unavailable',
      problem: `The keychain tests need a private Secret Service, which could not be started: ${(error as Error).message}`,
    };
  }
}

/**
 * Points the test processes at the service: they inherit `env` (Vitest's forked workers, Playwright's
 * workers, the apps the e2e fixture starts, and `secret-tool`). Where it could not be started they get
 * a bus that cannot exist and the problem, so no test reaches the person's own keyring.
 */
export function exportTestSecretService(service: TestSecretService, env: NodeJS.ProcessEnv = process.env): void {
  delete env[TEST_KEYCHAIN_PROBLEM_VARIABLE];
  if (service.kind === 'os') return;
  if (service.kind === 'private') {
    env.DBUS_SESSION_BUS_ADDRESS = service.address;
    return;
  }
  env.DBUS_SESSION_BUS_ADDRESS = NO_BUS_ADDRESS;
  env[TEST_KEYCHAIN_PROBLEM_VARIABLE] = service.problem;
}

/**
 * For the global set-up of a test run (Vitest's and Playwright's): starts the service, exports it to
 * `env` for the processes started after it, and gives back the teardown.
 */
export async function setUpTestSecretService(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ service: TestSecretService; teardown(): Promise<void> }> {
  const service = await startTestSecretService();
  exportTestSecretService(service, env);
  return {
    service,
    teardown: async () => {
      if (service.kind === 'private') await service.stop();
    },
  };
}

/** Why the keychain tests cannot run in this process, or null when they can. */
export function testKeychainProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  return env[TEST_KEYCHAIN_PROBLEM_VARIABLE] || null;
}
