/**
 * Opening the stream inspector on replies of 1,000, 5,000 and 20,000 tokens
 * (one server-sent event per token, as the mock sends them), in the built app:
 * from the click to the panel painted with its first timeline rows and main's
 * figures, to the counted figures (events, comments, gaps) and to the merged
 * text complete (both read between frames after the first paint); the page's
 * elements; closing. Targets: 5,000 tokens shown in ≤ 150 ms, 20,000 in ≤ 300 ms.
 * Prints figures; asserts nothing.
 *
 * The log comes from main over IPC (`inspector.log`), which on the chromium
 * host crosses CDP. The inspector store marks (User Timing) when it asks and
 * when the answer arrives; main's own share of that wait (reading the saved log
 * from SQLite) is timed with the same store code in this process, and the
 * rest of the wait is the host's transport. The app's share is the click to
 * the request, main's reading, and the answer to the panel painted.
 *
 * Run: `npm run bench -- inspector` after `npx electron-vite build` (about a minute).
 * `INSPECTOR_BENCH_RUNS=N` opens each N times (default 5).
 */
import { pathToFileURL } from 'node:url';
import type { Page } from '@playwright/test';
import { openHistoryDatabase } from '../src-main/history/database';
import { StreamLogStore } from '../src-main/history/StreamLogStore';
import { buildAge, hostLine, machineLine, table, verdict, waitFor, type LaunchedApp, withMockApp } from './appHost';
import { fixed, formatSpread, median, spread } from './stats';

const KEY = 'sk-inspector-bench-0123456789abcdef';
const SIZES = [1_000, 5_000, 20_000];
const TARGETS: Record<number, number> = { 5_000: 150, 20_000: 300 };
const RUNS = Number(process.env.INSPECTOR_BENCH_RUNS ?? 5);

interface OpenTimes {
  click: number;
  requested: number;
  received: number;
  rows: number;
  painted: number;
  figures: number;
  merged: number;
  nodes: number;
  timelineNodes: number;
  entries: number;
}

interface CloseTimes {
  key: number;
  gone: number;
  painted: number;
  nodes: number;
}

/** Records one open: the click, the first timeline row in the DOM, the frame after it, the merge complete. */
const OPEN_PROBE = String.raw`(() => {
  const times = { click: null, rows: null, painted: null, figures: null, merged: null };
  window.__inspectorOpen = new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error('the inspector never showed its timeline and merge')), 60000);
    const onClick = (event) => {
      if (times.click === null) times.click = event.timeStamp;
    };
    window.addEventListener('click', onClick, { capture: true });
    const finish = () => {
      if (times.painted === null || times.figures === null || times.merged === null) return;
      observer.disconnect();
      clearTimeout(timeout);
      window.removeEventListener('click', onClick, { capture: true });
      const at = (name) => performance.getEntriesByName(name, 'mark').at(-1)?.startTime ?? NaN;
      const timeline = document.querySelector('[data-testid="inspector-timeline"]');
      const rows = timeline.querySelectorAll('[data-testid="inspector-timeline-row"]');
      resolve({
        ...times,
        requested: at('nagare:inspector-log-requested'),
        received: at('nagare:inspector-log-received'),
        nodes: document.getElementsByTagName('*').length,
        timelineNodes: timeline.getElementsByTagName('*').length,
        entries: Number(rows[0].getAttribute('aria-setsize')),
      });
    };
    const check = () => {
      if (times.click === null) return;
      const panel = document.querySelector('[data-testid="inspector-panel"]');
      if (!panel) return;
      if (times.rows === null && panel.querySelector('[data-testid="inspector-timeline-row"]')) {
        times.rows = performance.now();
        requestAnimationFrame(() => {
          const channel = new MessageChannel();
          channel.port1.onmessage = () => {
            times.painted = performance.now();
            finish();
          };
          channel.port2.postMessage(null);
        });
      }
      // Read after the first paint: done when what it fills in is shown and its "still reading" notice is gone.
      const filledIn = (name, shown, reading) => {
        if (times[name] !== null || !panel.querySelector(shown) || panel.querySelector(reading)) return;
        times[name] = performance.now();
        finish();
      };
      filledIn('figures', '[data-testid="inspector-event-count"]', '[data-testid="inspector-counting"]');
      filledIn('merged', '[data-testid="inspector-merged"]', '[data-testid="inspector-merge-reading"]');
    };
    const observer = new MutationObserver(check);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  });
})()`;

/** Records one close: Escape pressed, the panel gone from the DOM, the frame after it. */
const CLOSE_PROBE = String.raw`(() => {
  const times = { key: null, gone: null, painted: null };
  window.__inspectorClose = new Promise((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error('the inspector never closed')), 30000);
    const onKey = (event) => {
      if (times.key === null && event.key === 'Escape') times.key = event.timeStamp;
    };
    window.addEventListener('keydown', onKey, { capture: true });
    const observer = new MutationObserver(() => {
      if (times.key === null || times.gone !== null || document.querySelector('[data-testid="inspector-panel"]')) return;
      times.gone = performance.now();
      observer.disconnect();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => {
          times.painted = performance.now();
          clearTimeout(timeout);
          window.removeEventListener('keydown', onKey, { capture: true });
          resolve({ ...times, nodes: document.getElementsByTagName('*').length });
        };
        channel.port2.postMessage(null);
      });
    });
    observer.observe(document.body, { subtree: true, childList: true });
  });
})()`;

interface SizeResult {
  tokens: number;
  events: number;
  logMb: number;
  opens: OpenTimes[];
  closes: CloseTimes[];
  mainReadMs: number[];
  /** Elements in the page with the inspector closed: the conversation, the sidebar. */
  pageNodes: number;
}

async function replyOf(page: Page, tokens: number): Promise<string> {
  const before = await page.locator('[data-testid="message"][data-role="assistant"]').count();
  const composer = page.getByTestId('composer');
  await composer.fill(`Inspect me ${tokens} [[mock:markdown tokens=${tokens} rate=100000]]`);
  await page.keyboard.press('Enter');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').nth(before);
  await waitFor(
    `the ${tokens}-token reply`,
    async () => (await reply.getAttribute('data-status')) === 'complete',
    120_000,
  );
  return (await reply.getAttribute('data-message-id'))!;
}

async function benchSize(app: LaunchedApp, tokens: number): Promise<SizeResult> {
  const { page } = app;
  const messageId = await replyOf(page, tokens);
  const button = page.locator(`[data-message-id="${messageId}"] [data-testid="inspect-message"]`);
  const opens: OpenTimes[] = [];
  const closes: CloseTimes[] = [];
  for (let run = 0; run < RUNS; run++) {
    await page.evaluate(OPEN_PROBE);
    await button.click();
    opens.push((await page.evaluate('window.__inspectorOpen')) as OpenTimes);
    await page.evaluate(CLOSE_PROBE);
    await page.keyboard.press('Escape');
    closes.push((await page.evaluate('window.__inspectorClose')) as CloseTimes);
  }
  // Main's share of that round trip: the same store reading the same saved log.
  const { db } = openHistoryDatabase({ directory: app.userDataDir, now: Date.now });
  const mainReadMs: number[] = [];
  let events = 0;
  let logMb = 0;
  try {
    const streamLogs = new StreamLogStore(db, Date.now);
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      const log = streamLogs.getPacked(messageId);
      mainReadMs.push(performance.now() - started);
      events = log?.entries.types.split('').filter((type) => type === 'e').length ?? 0;
      logMb = (log?.entries.data.length ?? 0) / 2 ** 20;
    }
  } finally {
    db.close();
  }
  return { tokens, events, logMb, opens, closes, mainReadMs, pageNodes: closes.at(-1)?.nodes ?? 0 };
}

function report(results: SizeResult[], host: LaunchedApp['host'], started: number): string {
  const lines = [machineLine('Inspector open'), hostLine(host), `  ${buildAge()}`, ''];
  const label = (result: SizeResult) => `${result.tokens.toLocaleString('en')} tokens`;
  lines.push(
    `Replies of ${results.map((result) => `${label(result)} (${result.events.toLocaleString('en')} events, ${fixed(result.logMb, 1)} MB of data)`).join(', ')}; each opened and closed ${RUNS} times: median (min–max)`,
    '',
  );
  const s = (values: number[], digits = 0, unit = ' ms') => formatSpread(spread(values), digits, unit);
  const row = (name: string, values: (result: SizeResult) => number[], digits = 0, unit = ' ms') => [
    name,
    ...results.map((result) => s(values(result), digits, unit)),
  ];
  const each = (pick: (open: OpenTimes, main: number) => number) => (result: SizeResult) =>
    result.opens.map((open) => pick(open, median(result.mainReadMs)));
  /** What fills in after the first paint, from the click and from the log's arrival. */
  const filledIn = (what: string, at: (open: OpenTimes) => number) => [
    row(
      `click → ${what}`,
      each((o) => at(o) - o.click),
    ),
    row(
      `    log received → ${what}`,
      each((o) => at(o) - o.received),
    ),
  ];
  const appShare = (open: OpenTimes, main: number) =>
    open.requested - open.click + main + (open.painted - open.received);
  lines.push(
    ...table(
      ['', ...results.map(label)],
      [
        row(
          'click → panel painted with its first timeline rows',
          each((o) => o.painted - o.click),
        ),
        row("app's share", each(appShare)),
        row(
          '    renderer: click → log requested',
          each((o) => o.requested - o.click),
        ),
        row('    main: reading the saved log (SQLite, JSON)', (r) => r.mainReadMs),
        row(
          '    renderer: log received → panel painted',
          each((o) => o.painted - o.received),
        ),
        row(
          "host's share: the IPC's transport (CDP), less main's reading",
          each((o, main) => o.received - o.requested - main),
        ),
        ...filledIn('figures counted (events, comments, gaps)', (o) => o.figures),
        ...filledIn('merged text complete', (o) => o.merged),
        row('elements the inspector adds to the page', (r) => r.opens.map((o) => o.nodes - r.pageNodes), 0, ''),
        row(
          '    of which in the timeline',
          each((o) => o.timelineNodes),
          0,
          '',
        ),
        row('Escape → panel gone, painted', (r) => r.closes.map((c) => c.painted - c.key)),
      ],
    ),
  );
  lines.push('');
  lines.push(
    ...table(
      ["target: the app's share of click → panel painted", 'measured', 'target', ''],
      results
        .filter((result) => TARGETS[result.tokens] !== undefined)
        .map((result) => {
          const app = median(each(appShare)(result));
          const target = TARGETS[result.tokens]!;
          return [label(result), `${fixed(app, 0)} ms`, `≤ ${target} ms`, verdict(app <= target)];
        }),
    ),
  );
  lines.push(
    '',
    "Methods: a click on the reply's Inspect button (its event timeStamp) → a MutationObserver sees the first timeline row",
    '→ a MessageChannel task after the next requestAnimationFrame (painted). The panel paints with the figures main measured;',
    'the counted figures (events, comments, gaps) fill in after that paint ("Counting…" gone), as does the merged text (in the',
    'panel, the "reading" notice gone). Escape: its keydown timeStamp → the panel gone → the frame after. The store marks the',
    "inspector.log request and its answer (User Timing); main's reading is the same store call timed in the bench.",
    `Total bench time ${fixed((performance.now() - started) / 1000, 0)} s.`,
  );
  return lines.join('\n');
}

/** Runs the inspector benchmark and returns the report. */
export async function runInspectorBench(): Promise<string> {
  const started = performance.now();
  return withMockApp('inspector', KEY, async (app) => {
    const results: SizeResult[] = [];
    for (const tokens of SIZES) results.push(await benchSize(app, tokens));
    return report(results, app.host, started);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runInspectorBench());
}
