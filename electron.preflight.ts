/**
 * The Electron preflight: `npm start` and `npm run dev` run `electron-vite preview|dev` through it.
 *
 * Electron's npm package downloads its binary the first time `require('electron')` runs, not at
 * install time, and electron-vite only reads `node_modules/electron/path.txt`, so on a fresh clone
 * electron-vite stops with "Electron uninstall". This script finds the binary first, the way
 * Electron's own installer does, and downloads it with visible progress when it is missing; then it
 * hands the binary to electron-vite as `ELECTRON_EXEC_PATH`. It honours:
 * - `ELECTRON_EXEC_PATH`: an Electron executable to use as it is;
 * - `ELECTRON_OVERRIDE_DIST_PATH`: a folder holding an Electron build (as Electron's package reads it);
 * - `ELECTRON_MIRROR` (and the rest of `@electron/get`'s mirror settings), `ELECTRON_CACHE` or
 *   `electron_config_cache` for the download cache, `electron_use_remote_checksums`, `force_no_cache`.
 * When the download cannot happen it says what failed, where it tried, and what to do, and exits
 * with status 1 — no stack trace.
 *
 * It sits beside `electron.vite.config.ts` because it is part of how the app is built and started on
 * every machine, not a CI tool; the e2e fixture asks it where Electron is, too.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { platform as osPlatform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as ElectronGet from '@electron/get';

type Env = NodeJS.ProcessEnv;

/** The oldest Node.js the app's tooling and Electron's installer run on (see the README). */
export const MINIMUM_NODE = [20, 19] as const;

const projectRoot = dirname(fileURLToPath(import.meta.url));

/** A failure the person can act on: printed as it is, without a stack. */
export class PreflightError extends Error {
  override name = 'PreflightError';
}

/** Electron's npm package in this project, if it is installed. */
export interface ElectronPackage {
  dir: string;
  version: string;
}

export function electronPackage(root = projectRoot): ElectronPackage | null {
  try {
    const manifest = createRequire(join(root, 'package.json')).resolve('electron/package.json');
    const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
    return { dir: dirname(manifest), version };
  } catch {
    return null;
  }
}

/** The executable inside an Electron folder, as Electron's `install.js` names it per platform. */
export function executableInElectronFolder(env: Env = process.env): string {
  const platform = env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || osPlatform();
  switch (platform) {
    case 'mas':
    case 'darwin':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'win32':
      return 'electron.exe';
    default:
      return 'electron';
  }
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** Where the Electron to run is, found from files only; it never loads the `electron` package. */
export type ElectronLookup =
  | { found: true; binary: string; from: 'ELECTRON_EXEC_PATH' | 'ELECTRON_OVERRIDE_DIST_PATH' | 'node_modules' }
  | { found: false; problem: string }
  | { found: false; problem: null };

/**
 * Finds Electron: `ELECTRON_EXEC_PATH`, else `ELECTRON_OVERRIDE_DIST_PATH`, else the binary Electron's
 * installer put in `node_modules/electron/dist` — only if it is the package's version, as `install.js`
 * checks. `problem` is set when a variable points at nothing (nothing is downloaded then: the person
 * asked for that build); `problem: null` means it is simply not downloaded yet.
 */
export function findElectron(env: Env = process.env, pkg = electronPackage()): ElectronLookup {
  if (env.ELECTRON_EXEC_PATH) {
    return existsSync(env.ELECTRON_EXEC_PATH)
      ? { found: true, binary: env.ELECTRON_EXEC_PATH, from: 'ELECTRON_EXEC_PATH' }
      : { found: false, problem: `ELECTRON_EXEC_PATH is ${env.ELECTRON_EXEC_PATH}, and there is no file there.` };
  }
  const executable = executableInElectronFolder(env);
  if (env.ELECTRON_OVERRIDE_DIST_PATH) {
    const folder = env.ELECTRON_OVERRIDE_DIST_PATH;
    // Electron's package names the executable after path.txt when there is one.
    const named = pkg ? readText(join(pkg.dir, 'path.txt'))?.trim() : undefined;
    const binary = [named, executable]
      .filter(Boolean)
      .map((name) => join(folder, name!))
      .find(existsSync);
    return binary
      ? { found: true, binary, from: 'ELECTRON_OVERRIDE_DIST_PATH' }
      : {
          found: false,
          problem: `ELECTRON_OVERRIDE_DIST_PATH is ${folder}, and there is no ${executable} in it.`,
        };
  }
  if (!pkg) return { found: false, problem: 'The electron package is not installed: run `npm install` first.' };
  const dist = join(pkg.dir, 'dist');
  const installed =
    readText(join(dist, 'version'))?.trim().replace(/^v/, '') === pkg.version &&
    readText(join(pkg.dir, 'path.txt')) === executable &&
    existsSync(join(dist, executable));
  return installed
    ? { found: true, binary: join(dist, executable), from: 'node_modules' }
    : { found: false, problem: null };
}

interface ProgressReport {
  transferred: number;
  total: number | null;
  percent: number;
}

/** Prints download progress: one line rewritten in a terminal, a line per tenth otherwise. */
function progressPrinter(out: NodeJS.WriteStream): { update(report: ProgressReport): void; done(): void } {
  const megabytes = (bytes: number, total: number) => (bytes / 1_000_000).toFixed(total < 10_000_000 ? 1 : 0);
  let lastTenth = -1;
  let drawn = false;
  return {
    update({ transferred, total, percent }) {
      const size = total ? ` (${megabytes(transferred, total)} of ${megabytes(total, total)} MB)` : '';
      const line = `  ${Math.floor(percent * 100)}%${size}`;
      if (out.isTTY) {
        out.write(`\r${line}\u001b[K`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(percent * 10);
      if (tenth > lastTenth) {
        lastTenth = tenth;
        out.write(`${line}\n`);
      }
    },
    done() {
      if (drawn) out.write('\n');
    },
  };
}

/** One line on why a download failed, from the errors `fetch` and `@electron/get` throw. */
export function describeDownloadError(error: unknown): string {
  const failure = error as {
    name?: string;
    message?: string;
    response?: { status: number; statusText: string };
    cause?: { code?: string; message?: string; errors?: Array<{ message?: string }> };
  };
  if (failure.name === 'HTTPError' && failure.response) {
    return `the server answered ${failure.response.status} ${failure.response.statusText}`.trim();
  }
  const cause = failure.cause;
  if (cause) {
    // Node's fetch reports "fetch failed" and puts the reason (ECONNREFUSED, ENOTFOUND…) in `cause`;
    // a refused connection tried over IPv4 and IPv6 arrives as an AggregateError of both.
    const reason = cause.message || cause.errors?.map((each) => each.message).join('; ') || cause.code;
    if (reason) return reason;
  }
  return (failure.message ?? String(error)).split('\n')[0]!;
}

function failureMessage(options: { version: string; target: string; url: string | undefined; reason: string }): string {
  return [
    `Could not download Electron ${options.version} for ${options.target}: ${options.reason.replace(/\.$/, '')}.`,
    `  URL tried: ${options.url ?? '(none: it failed before the download started)'}`,
    'To retry, run `npm start` again. ELECTRON_MIRROR=<url> downloads from a mirror; behind a proxy,',
    '  set HTTPS_PROXY and ELECTRON_GET_USE_PROXY=1.',
    `To use an Electron ${options.version.split('.')[0]} build you already have, point ELECTRON_OVERRIDE_DIST_PATH at its folder:`,
    '  ELECTRON_OVERRIDE_DIST_PATH=/path/to/electron npm start',
    '`npm test` does not need Electron: its end-to-end tests run on the chromium host without it.',
  ].join('\n');
}

/**
 * Downloads Electron into its package with Electron's own installer. The zip is fetched first through
 * `@electron/get` (the library `install.js` uses, with the same version, target, checksums and cache)
 * so that the progress can be shown; `install.js` then finds it in the cache, checks it and unpacks it.
 */
async function installElectron(pkg: ElectronPackage, env: Env, log: NodeJS.WriteStream): Promise<void> {
  const electronGet = (await import(
    pathToFileURL(createRequire(join(pkg.dir, 'package.json')).resolve('@electron/get')).href
  )) as typeof ElectronGet;
  const platform = env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform;
  // install.js also picks arm64 for an x64 Node under Rosetta; it then downloads that one itself.
  const arch = env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch;
  const cacheRoot = env.electron_config_cache || env.ELECTRON_CACHE || undefined;
  const useRemoteChecksums = Boolean(env.electron_use_remote_checksums || env.npm_config_electron_use_remote_checksums);
  const checksums = useRemoteChecksums
    ? undefined
    : (JSON.parse(readFileSync(join(pkg.dir, 'checksums.json'), 'utf8')) as Record<string, string>);

  let triedUrl: string | undefined;
  const progress = progressPrinter(log);
  const downloader = {
    async download(url: string, target: string) {
      const isZip = url.endsWith('.zip');
      if (isZip) {
        triedUrl = url;
        log.write(`Downloading Electron ${pkg.version} for ${platform}-${arch} (needed once):\n  ${url}\n`);
      }
      try {
        await new electronGet.FetchDownloader().download(url, target, {
          quiet: true,
          getProgressCallback: async (report: ProgressReport) => (isZip ? progress.update(report) : undefined),
        });
      } finally {
        if (isZip) progress.done();
      }
    },
  };

  try {
    await electronGet.downloadArtifact({
      version: pkg.version,
      artifactName: 'electron',
      platform,
      arch,
      cacheRoot,
      checksums,
      // @electron/get 5 ignores the `force` install.js still passes; a fresh download that still lands in the cache:
      cacheMode: env.force_no_cache === 'true' ? electronGet.ElectronDownloadCacheMode.WriteOnly : undefined,
      downloader,
    });
  } catch (error) {
    throw new PreflightError(
      failureMessage({
        version: pkg.version,
        target: `${platform}-${arch}`,
        url: triedUrl,
        reason: describeDownloadError(error),
      }),
    );
  }

  log.write('Unpacking Electron…\n');
  // The same cache, and no forced download: the installer takes the zip fetched above.
  const installerEnv: Env = { ...env };
  if (cacheRoot) installerEnv.electron_config_cache = cacheRoot;
  delete installerEnv.force_no_cache;
  const installer = spawnSync(process.execPath, [join(pkg.dir, 'install.js')], {
    env: installerEnv,
    stdio: ['ignore', 'inherit', 'pipe'],
    encoding: 'utf8',
  });
  if (installer.status !== 0) {
    // install.js prints the error's stack; its first line is the part worth reading.
    const reason = installer.stderr?.trim().split('\n')[0] || `it exited with ${installer.status ?? installer.signal}`;
    throw new PreflightError(
      `Electron's installer (node_modules/electron/install.js) failed: ${reason}\n` +
        'To retry, run `npm start` again; if it fails the same way, delete node_modules/electron/dist and path.txt.',
    );
  }
}

/** Returns the Electron executable to run, downloading it first if needed; throws {@link PreflightError}. */
export async function ensureElectron(
  env: Env = process.env,
  pkg = electronPackage(),
  log: NodeJS.WriteStream = process.stderr,
): Promise<string> {
  const [major, minor] = process.versions.node.split('.').map(Number) as [number, number];
  if (major < MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor < MINIMUM_NODE[1])) {
    throw new PreflightError(
      `Nagare needs Node.js ${MINIMUM_NODE.join('.')} or newer; this is ${process.versions.node}.`,
    );
  }
  const lookup = findElectron(env, pkg);
  if (lookup.found) {
    if (lookup.from !== 'node_modules') log.write(`Using Electron from ${lookup.from}: ${lookup.binary}\n`);
    return lookup.binary;
  }
  if (lookup.problem) throw new PreflightError(lookup.problem);
  await installElectron(pkg!, env, log);
  const installed = findElectron(env, pkg);
  if (!installed.found) {
    throw new PreflightError(
      `Electron's installer finished, but there is no ${executableInElectronFolder(env)} in ${join(pkg!.dir, 'dist')}.`,
    );
  }
  log.write(`Electron ${pkg!.version} is ready.\n`);
  return installed.binary;
}

/** Runs `electron-vite <command> [args]` with the Electron found, and exits with its status. */
async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command !== 'preview' && command !== 'dev') {
    process.stderr.write('usage: node --import tsx electron.preflight.ts preview|dev [electron-vite options]\n');
    process.exit(2);
  }
  let binary: string;
  try {
    binary = await ensureElectron();
  } catch (error) {
    if (!(error instanceof PreflightError)) throw error;
    process.stderr.write(`\n${error.message}\n`);
    process.exit(1);
  }
  const electronVite = createRequire(join(projectRoot, 'package.json')).resolve('electron-vite/package.json');
  const bin = (JSON.parse(readFileSync(electronVite, 'utf8')) as { bin: Record<string, string> }).bin['electron-vite']!;
  const child = spawn(process.execPath, [join(dirname(electronVite), bin), command, ...rest], {
    stdio: 'inherit',
    env: { ...process.env, ELECTRON_EXEC_PATH: binary },
  });
  // Ctrl-C and a closed terminal reach electron-vite and Electron by themselves (one process group):
  // wait for them to finish. A SIGTERM sent to this process alone is passed on.
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

/** Whether Node was started on this file (`node --import tsx electron.preflight.ts …`), not importing it. */
function startedAsScript(): boolean {
  try {
    return Boolean(process.argv[1]) && realpathSync(process.argv[1]!) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (startedAsScript()) void main(process.argv.slice(2));
