/**
 * Cold start of the built app, from its main process starting to the history
 * painted in the sidebar, with 0, 1,000 and 10,000 conversations of 20
 * messages: the app's share must not grow with the history (target: 10,000
 * within 1.2× of 0). Prints figures; asserts nothing.
 *
 * Each start is a new main process and a new Chromium, on the same folder,
 * after a clean quit (the usual start: no health check). Then, for the largest
 * history, starts after a crash, when the health check runs once the window
 * shows: the history must paint as soon, and the check's own time is reported.
 *
 * Where the time goes, from main's `Started` log line (its marks, as epoch
 * milliseconds) and the page's `performance.timeOrigin` and Element Timing of
 * the sidebar (`elementtiming="history-shown"`):
 * - the app's share: main's services (everything `startNagare` does before it
 *   asks for the window: settings, keychain, opening the history…) and the
 *   renderer, from its navigation to the history painted (its IPC included);
 * - the host's: Chromium starting, main's process boot (Node, tsx and the
 *   electron double's loaders before the bundle runs), the double creating the
 *   window (a CDP connection and a page) and loading the page into it. An IPC
 *   round trip across CDP, measured after start, is printed beside the
 *   renderer's share, which waits for one.
 *
 * Run: `npm run bench -- cold-start` after `npx electron-vite build` (about 4 minutes,
 * most of it writing the 10,000 conversations). `COLD_START_RUNS=N` starts N times per size.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeHistoryDatabase, openHistoryDatabase } from '../src-main/history/database';
import {
  buildAge,
  closeApp,
  closingOnInterrupt,
  hostLine,
  launch,
  loadFixtures,
  machineLine,
  requireBuild,
  table,
  verdict,
  waitFor,
  type Fixtures,
  type LaunchedApp,
} from './appHost';
import { fill } from './historySearch';
import { fixed, formatSpread, median, spread } from './stats';

const SIZES = [0, 1_000, 10_000];
const MESSAGES_PER_CONVERSATION = 20;
const RUNS = Number(process.env.COLD_START_RUNS ?? 5);
const CRASH_RUNS = 3;
const TARGET_RATIO = 1.2;

/** One start, as epoch milliseconds (fractions kept) and what they add up to. */
interface Start {
  launchedAt: number;
  processStarted: number;
  servicesStarted: number;
  windowRequested: number;
  windowCreated: number;
  pageOrigin: number;
  historyPainted: number;
  firstPaint: number | null;
  /** What an `app.info` invoke costs from the page, median of 10, once started: the host's IPC. */
  ipcRoundTripMs: number;
  conversationsShown: number;
}

const phases = (start: Start) => ({
  chromium: start.processStarted - start.launchedAt,
  mainBoot: start.servicesStarted - start.processStarted,
  services: start.windowRequested - start.servicesStarted,
  window: start.windowCreated - start.windowRequested,
  pageLoad: start.pageOrigin - start.windowCreated,
  renderer: start.historyPainted - start.pageOrigin,
  app: start.windowRequested - start.servicesStarted + (start.historyPainted - start.pageOrigin),
  total: start.historyPainted - start.processStarted,
});
type Phase = keyof ReturnType<typeof phases>;

interface Size {
  host: LaunchedApp['host'];
  conversations: number;
  fileMb: number;
  seedMs: number;
  starts: Start[];
  crashStarts: Array<Start & { checkMs: number | null; checkStartedAfterPaintMs: number | null }>;
}

/** A user-data folder whose history has `conversations` conversations, written as rows. */
function seed(conversations: number): { dir: string; seedMs: number; fileMb: number } {
  const dir = mkdtempSync(join(os.tmpdir(), 'nagare-bench-cold-'));
  const started = performance.now();
  const { db, path } = openHistoryDatabase({ directory: dir, now: Date.now });
  try {
    // This connection only: the seed does not need to survive a power cut.
    db.exec('PRAGMA synchronous = OFF');
    if (conversations > 0) fill(db, conversations * MESSAGES_PER_CONVERSATION, MESSAGES_PER_CONVERSATION, 11);
  } finally {
    closeHistoryDatabase(db);
  }
  return { dir, seedMs: performance.now() - started, fileMb: statSync(path).size / 2 ** 20 };
}

/** Main's log lines with this message, in order: their fields, and `loggedAt` (epoch ms). */
function logged(dir: string, message: string): Array<Record<string, unknown> & { loggedAt: number }> {
  let text: string;
  try {
    text = readFileSync(join(dir, 'logs', 'main.log'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.includes(`"msg":"${message}"`))
    .map((line) => JSON.parse(line) as { time: string; fields?: Record<string, unknown> })
    .map((line) => ({ ...line.fields, loggedAt: Date.parse(line.time) }));
}

/** The page's figures, once the history has painted (Element Timing, buffered). */
const PAGE_PROBE = `(async () => {
  const painted = await new Promise((resolve) => {
    const observer = new PerformanceObserver((list) => {
      const shown = list.getEntries().filter((entry) => entry.identifier === 'history-shown');
      if (shown.length === 0) return;
      observer.disconnect();
      resolve(Math.min(...shown.map((entry) => entry.renderTime || entry.loadTime)));
    });
    observer.observe({ type: 'element', buffered: true });
  });
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const rounds = [];
  for (let i = 0; i < 10; i++) {
    const started = performance.now();
    await window.nagare.app.info();
    rounds.push(performance.now() - started);
  }
  rounds.sort((a, b) => a - b);
  return {
    origin: performance.timeOrigin,
    painted,
    firstPaint: paint ? paint.startTime : null,
    ipc: (rounds[4] + rounds[5]) / 2,
    shown: document.querySelectorAll('[data-testid="conversation-item"]').length,
  };
})()`;

async function startOnce(
  fixtures: Fixtures,
  dir: string,
  startsBefore: number,
): Promise<{ app: LaunchedApp; start: Start }> {
  const launchedAt = Date.now();
  const app = await launch(fixtures, { userDataDir: dir });
  const page = (await app.page.evaluate(PAGE_PROBE)) as {
    origin: number;
    painted: number;
    firstPaint: number | null;
    ipc: number;
    shown: number;
  };
  const marks = await waitFor('main to log its start-up', async () => {
    const lines = logged(dir, 'Started');
    return lines.length > startsBefore ? (lines.at(-1)!['marks'] as Record<string, number>) : null;
  });
  return {
    app,
    start: {
      launchedAt,
      processStarted: marks['processStarted']!,
      servicesStarted: marks['servicesStarted']!,
      windowRequested: marks['windowRequested']!,
      windowCreated: marks['windowCreated']!,
      pageOrigin: page.origin,
      historyPainted: page.origin + page.painted,
      firstPaint: page.firstPaint,
      ipcRoundTripMs: page.ipc,
      conversationsShown: page.shown,
    },
  };
}

async function benchSize(fixtures: Fixtures, conversations: number): Promise<Size> {
  const { dir, seedMs, fileMb } = seed(conversations);
  try {
    // A first start checks the history (nothing is known of it yet) and records a clean quit.
    const first = await launch(fixtures, { userDataDir: dir });
    await waitFor('the first health check', async () => logged(dir, 'History checked').length > 0, 120_000);
    await closeApp(first);

    const host = first.host;
    const starts: Start[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { app, start } = await startOnce(fixtures, dir, logged(dir, 'Started').length);
      starts.push(start);
      await closeApp(app);
    }
    const crashStarts: Size['crashStarts'] = [];
    if (conversations === Math.max(...SIZES)) {
      for (let run = 0; run < CRASH_RUNS; run++) {
        const crashed = await launch(fixtures, { userDataDir: dir });
        await waitFor('the window', async () => logged(dir, 'Started').length > 0);
        await closeApp(crashed, 'kill');
        const checksBefore = logged(dir, 'History checked').length;
        const { app, start } = await startOnce(fixtures, dir, logged(dir, 'Started').length);
        const check = await waitFor(
          'the health check',
          async () => logged(dir, 'History checked').slice(checksBefore)[0],
          120_000,
        );
        const checkMs = typeof check['ms'] === 'number' ? check['ms'] : null;
        crashStarts.push({
          ...start,
          checkMs,
          checkStartedAfterPaintMs: checkMs === null ? null : check.loggedAt - checkMs - start.historyPainted,
        });
        await closeApp(app);
      }
    }
    return { host, conversations, fileMb, seedMs, starts, crashStarts };
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

function report(sizes: Size[], started: number): string {
  const figure = (size: Size, phase: Phase) =>
    formatSpread(spread(size.starts.map((start) => phases(start)[phase])), 0, ' ms');
  const label = (size: Size) => `${size.conversations.toLocaleString('en')} conv.`;
  const lines = [machineLine('Cold start'), hostLine(sizes[0]!.host), `  ${buildAge()}`, ''];
  lines.push(
    `Histories: ${sizes.map((size) => `${label(size)} × ${MESSAGES_PER_CONVERSATION} messages = ${fixed(size.fileMb, 0)} MB (written in ${fixed(size.seedMs / 1000, 0)} s)`).join('; ')}`,
    `${RUNS} starts per history after a clean quit, each a new main process and Chromium: median (min–max)`,
    '',
  );
  const row = (name: string, phase: Phase) => [name, ...sizes.map((size) => figure(size, phase))];
  lines.push(
    ...table(
      ['phase', ...sizes.map(label)],
      [
        row("app's share: main's services + renderer", 'app'),
        row('    main: services before the window', 'services'),
        row('    renderer: navigation → history painted', 'renderer'),
        [
          '        of which waiting on IPC (one round trip, measured after)',
          ...sizes.map((size) => formatSpread(spread(size.starts.map((start) => start.ipcRoundTripMs)), 1, ' ms')),
        ],
        row("host's share: Chromium started, main spawned", 'chromium'),
        row('    main process boot (Node, tsx, the double; the bundle)', 'mainBoot'),
        row("    the double's window (CDP page, bindings, preload)", 'window'),
        row('    page load until navigation starts', 'pageLoad'),
        row('main process started → history painted', 'total'),
        [
          'conversations in the sidebar',
          ...sizes.map((size) => String(median(size.starts.map((start) => start.conversationsShown)))),
        ],
      ],
    ),
  );
  const base = median(sizes[0]!.starts.map((start) => phases(start).app));
  lines.push('');
  lines.push(
    ...table(
      ['app’s share against an empty history', 'ratio', 'target', ''],
      sizes.slice(1).map((size) => {
        const ratio = median(size.starts.map((start) => phases(start).app)) / base;
        return [label(size), fixed(ratio, 2), `≤ ${TARGET_RATIO}`, verdict(ratio <= TARGET_RATIO)];
      }),
    ),
  );
  const crashed = sizes.find((size) => size.crashStarts.length > 0);
  if (crashed) {
    lines.push('');
    lines.push(
      `After a crash, ${label(crashed)}: the health check runs in a worker once the window shows (${crashed.crashStarts.length} starts)`,
    );
    const crashRow = (name: string, values: number[], unit = ' ms') => [name, formatSpread(spread(values), 0, unit)];
    lines.push(
      ...table(
        ['', 'measured'],
        [
          crashRow(
            "app's share (as above)",
            crashed.crashStarts.map((start) => phases(start).app),
          ),
          crashRow(
            '    renderer: navigation → history painted',
            crashed.crashStarts.map((start) => phases(start).renderer),
          ),
          crashRow(
            'health check (PRAGMA quick_check in the worker)',
            crashed.crashStarts.flatMap((start) => (start.checkMs === null ? [] : [start.checkMs])),
          ),
          crashRow(
            '    began after the history painted, by',
            crashed.crashStarts.flatMap((start) =>
              start.checkStartedAfterPaintMs === null ? [] : [start.checkStartedAfterPaintMs],
            ),
          ),
        ],
      ),
    );
  }
  lines.push(
    '',
    'Methods: main logs its marks (performance.timeOrigin + now) once the window shows; the page gives its timeOrigin, the',
    "Element Timing renderTime of the sidebar's first title (or of its empty state) and first-contentful-paint. Before the",
    'runs, one start checks the new history and quits cleanly, so every measured start skips the check, as a usual start does.',
    `Total bench time ${fixed((performance.now() - started) / 1000, 0)} s.`,
  );
  return lines.join('\n');
}

/** Runs the cold-start benchmark and returns the report. */
export async function runColdStartBench(): Promise<string> {
  requireBuild();
  const started = performance.now();
  const fixtures = await loadFixtures();
  return closingOnInterrupt('cold start', async () => {
    const sizes: Size[] = [];
    for (const conversations of SIZES) sizes.push(await benchSize(fixtures, conversations));
    return report(sizes, started);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runColdStartBench());
}
