/**
 * What the benchmarks of the built app share: starting it on the e2e fixture's
 * host (see e2e/README.md), closing what is open when a run is interrupted,
 * and printing figures as tables.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import { startMockServer } from '../e2e/fixtures/mockServer';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
export const rendererDir = join(repoRoot, 'out', 'renderer');

/** What the benchmarks use of e2e/fixtures/launchApp.ts's `LaunchedApp`. */
export interface LaunchedApp {
  host: 'electron' | 'chromium';
  page: Page;
  userDataDir: string;
  kill(): Promise<void>;
  close(): Promise<void>;
  output(): string;
}

/** The e2e fixtures the benchmarks start the app with. */
export interface Fixtures {
  launchApp(options?: { userDataDir?: string; env?: Record<string, string>; locale?: string }): Promise<LaunchedApp>;
  seedMockProvider(mockUrl: string, userDataDir?: string): string;
}

/**
 * The fixtures are loaded by URL so that `tsc -p tsconfig.node.json` (which
 * checks bench/ without the DOM library) does not type-check them: they use
 * `window` inside `page.evaluate` callbacks and are checked by tsconfig.e2e.json.
 */
export async function loadFixtures(): Promise<Fixtures> {
  const at = (file: string) => pathToFileURL(join(repoRoot, 'e2e', 'fixtures', file)).href;
  const launch = (await import(at('launchApp.ts'))) as Pick<Fixtures, 'launchApp'>;
  const seed = (await import(at('seed.ts'))) as Pick<Fixtures, 'seedMockProvider'>;
  return { launchApp: launch.launchApp, seedMockProvider: seed.seedMockProvider };
}

/** Throws unless the app was built. */
export function requireBuild(): void {
  if (!existsSync(join(rendererDir, 'index.html')))
    throw new Error('The app is not built: run `npx electron-vite build` first');
}

/** Whether out/renderer is older than the renderer's sources, for the top of a report. */
export function buildAge(): string {
  const built = statSync(join(rendererDir, 'index.html')).mtimeMs;
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(join(repoRoot, 'src-renderer', 'src'));
  walk(join(repoRoot, 'src-main'));
  return newest > built
    ? 'WARNING: out/ is older than the sources; run `npx electron-vite build` for current figures'
    : 'out/ is newer than every file in src-renderer/src and src-main';
}

/** The machine, for the top of a report. */
export function machineLine(title: string): string {
  const cpus = os.cpus();
  return `${title} — ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.platform()}, Node ${process.version}`;
}

/** What the host is, for the top of a report. */
export function hostLine(host: LaunchedApp['host']): string {
  return host === 'chromium'
    ? `  host: chromium (the built main bundle under Node with the electron double; the page is headless ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'}, IPC crosses CDP)`
    : '  host: Electron';
}

/** A table with its first column left-aligned and the rest right-aligned. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) =>
    `  ${cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('   ')}`;
  return [line(header), `  ${widths.map((width) => '─'.repeat(width)).join('   ')}`, ...rows.map(line)];
}

/** `ok`, `MISSED`, or nothing when there is no figure to judge. */
export function verdict(ok: boolean | null): string {
  return ok === null ? '' : ok ? 'ok' : 'MISSED';
}

/** Apps a benchmark has open; closed if it is interrupted (Ctrl+C). */
export const openApps = new Set<LaunchedApp>();

/** Runs `work` with Ctrl+C closing every app in `openApps` first. */
export async function closingOnInterrupt<T>(name: string, work: () => Promise<T>): Promise<T> {
  const onInterrupt = async (signal: NodeJS.Signals) => {
    console.warn(`${name} bench: ${signal}, closing ${openApps.size} app(s)`);
    await Promise.allSettled([...openApps].map((app) => app.close()));
    process.exit(130);
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  try {
    return await work();
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}

/** Starts the app, remembering it in `openApps` until `closeApp`. */
export async function launch(
  fixtures: Fixtures,
  options: Parameters<Fixtures['launchApp']>[0] = {},
): Promise<LaunchedApp> {
  const app = await fixtures.launchApp(options);
  openApps.add(app);
  return app;
}

/** Closes (or kills, as a crash would) an app started with `launch`. */
export async function closeApp(app: LaunchedApp, how: 'close' | 'kill' = 'close'): Promise<void> {
  openApps.delete(app);
  await (how === 'kill' ? app.kill() : app.close());
}

/** Polls `probe` every 100 ms until it answers something truthy. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs `work` on the built app, started against a mock server that wants `key`, with that key set
 * for the session (no keychain needed). `seed` may write into the user-data folder first. Closes
 * the app and the server and removes the folder after, also when `work` fails (printing main's
 * last words) or the run is interrupted.
 */
export async function withMockApp<T>(
  name: string,
  key: string,
  work: (app: LaunchedApp) => Promise<T>,
  seed: (userDataDir: string) => void = () => {},
): Promise<T> {
  requireBuild();
  const fixtures = await loadFixtures();
  const mock = await startMockServer({ requiredKey: key });
  const userDataDir = fixtures.seedMockProvider(mock.url);
  try {
    seed(userDataDir);
    return await closingOnInterrupt(name, async () => {
      const app = await launch(fixtures, { userDataDir });
      try {
        const stored = (await app.page.evaluate(`(async () => {
          const providers = await window.nagare.providers.list();
          return window.nagare.secrets.set({ providerId: providers.value[0].id, key: ${JSON.stringify(key)}, sessionOnly: true });
        })()`)) as { ok: boolean };
        if (!stored.ok) throw new Error('could not set the session key');
        return await work(app);
      } catch (error) {
        console.warn(`main said:\n${app.output().slice(-3000)}`);
        throw error;
      } finally {
        await closeApp(app);
      }
    });
  } finally {
    await mock.close();
    rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}
