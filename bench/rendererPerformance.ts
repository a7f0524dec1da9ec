/**
 * Renderer performance of the built app, measured in the real renderer with
 * Playwright and Chromium's own performance APIs:
 * 1. a 20,000-token markdown reply (code blocks, lists, a table) streamed at
 *    2,000 tokens/s: long tasks, frame times, main-thread time of the first vs
 *    the last 1,000 tokens, token-to-DOM latency (3 runs);
 * 2. opening a 10,000-message conversation seeded into `nagare.db`: time from
 *    the click to the newest message on screen, and the page's element count
 *    against a 10-message conversation; then scrolling up from the newest
 *    message in PageUp-sized steps, measuring how far the text being read jumps
 *    (rows measured or loaded above it), and scrolling through to the oldest;
 * 3. renderer JavaScript loaded at start, gzipped, and what the page really loaded.
 * Prints figures; asserts nothing (a shared 2-core machine).
 *
 * The app must be built first (`npx electron-vite build`). It runs on the e2e
 * fixture's host (see e2e/README.md): on the chromium host, the page is Debian
 * Chromium headless, IPC from main arrives as CDP evaluations.
 * The key is set for the session only, so no keychain (nor D-Bus) is needed.
 *
 * Run: `node --import tsx bench/rendererPerformance.ts` (about 1.5 minutes).
 * Optional environment, for investigating rather than for the suite:
 * - RENDERER_BENCH_ONLY=stream|open: only that part (the bundle figures always print);
 * - RENDERER_BENCH_RUNS=N: streaming runs (default 3);
 * - RENDERER_BENCH_EXPERIMENT_CSS='…': a style sheet added to the page before streaming, to try a
 *   CSS change without rebuilding (the report says so at the top).
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { CDPSession, Page } from '@playwright/test';
import { markdownTokens, startMockServer } from '../e2e/fixtures/mockServer';
import { openHistoryDatabase } from '../src-main/history/database';
import { HistoryRepository } from '../src-main/history/HistoryRepository';
import {
  buildAge,
  closeApp,
  closingOnInterrupt,
  hostLine,
  launch,
  loadFixtures,
  machineLine,
  rendererDir,
  requireBuild,
  table,
  verdict,
  waitFor,
  type Fixtures,
  type LaunchedApp,
} from './appHost';
import { MARK_BINDING, STREAM_PROBE, openProbe, scrollToOldestProbe, scrollUpProbe } from './rendererProbe';
import { fixed, formatSpread, median, percentile, spread } from './stats';
import { ENGLISH_WORDS, makeRandom, pick, prose } from './syntheticText';

const STREAM_RUNS = Number(process.env.RENDERER_BENCH_RUNS ?? 3);
const STREAM_TOKENS = 20_000;
const STREAM_RATE = 2_000;
/** Token counts at which main-thread time is sampled (0 means the first delta). */
const MARK_TOKENS = Array.from({ length: STREAM_TOKENS / 1000 + 1 }, (_, index) => index * 1000);
const OPEN_RUNS = 5;
const LONG_CONVERSATION = 10_000;
const SHORT_CONVERSATION = 10;
const SCROLL_THROUGH_BUDGET_MS = 45_000;
/** PageUp-sized steps of the scroll-up measure: about 100 messages of the long conversation. */
const SCROLL_UP_STEPS = 120;
const KEY = 'sk-renderer-bench-0123456789abcdef';

const TARGETS = {
  longTasks: 0,
  firstLastRatio: 1.5,
  tokenToDomP95Ms: 50,
  openMs: 300,
  startJsGzipKb: 250,
};

// ───────────────────────────────────────────── CDP

type Metrics = Record<string, number>;

async function metrics(cdp: CDPSession): Promise<Metrics> {
  const { metrics: list } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(list.map((entry) => [entry.name, entry.value]));
}

async function scriptsLoaded(cdp: CDPSession): Promise<string[]> {
  const { frameTree } = await cdp.send('Page.getResourceTree');
  return frameTree.resources
    .filter((resource) => resource.type === 'Script' || resource.url.endsWith('.js'))
    .map((resource) => resource.url.split('/').pop() ?? resource.url);
}

// ───────────────────────────────────────────── 1. streaming

interface ProbeResult {
  armedAt: number;
  firstDeltaAt: number | null;
  lastDeltaAt: number | null;
  doneAt: number | null;
  completeAt: number | null;
  endKind: string | null;
  error: unknown;
  chars: number;
  deltas: number;
  mutations: number;
  verified: number;
  viaLater: number;
  unresolved: number;
  toDom: number[];
  toFrame: number[];
  /** [arrival time, characters received so far] per delta. */
  arrivals: Array<[number, number]>;
  frames: number[];
  longTasks: Array<{ start: number; duration: number }>;
  longTasksUnsupported: string | null;
  renderedChars: number;
  blocks: number;
  nodesInReply: number;
  nodes: number;
}

interface MarkSample {
  index: number;
  at: number;
  chars: number;
  tokens: number;
  metrics: Metrics;
}

interface StreamRun {
  probe: ProbeResult;
  marks: MarkSample[];
  wholeTaskMs: number;
  wholeWallMs: number;
  longTaskCount: number;
  longTaskMaxMs: number;
  frameP50: number;
  frameP95: number;
  frameMax: number;
  framesOver50: number;
  framesCount: number;
  firstPer1k: number;
  lastPer1k: number;
  ratio: number;
  cpuRatio: number;
  ratio3k: number;
  firstBreakdown: string;
  lastBreakdown: string;
  seriesPer1k: number[];
  domP50: number;
  domP95: number;
  domMax: number;
  frameLatP50: number;
  frameLatP95: number;
  finishMs: number;
  /** First to last delta as seen in the page; the server paces the reply over STREAM_TOKENS / STREAM_RATE s. */
  deliveryMs: number;
  /** How far behind the server's pacing deltas arrived (relative to the first delta): at the end, and the worst. */
  lagEndMs: number;
  lagMaxMs: number;
  lagAt1kMs: number;
}

/** Cumulative character offsets of the mock's markdown tokens: offsets[k] = length of the first k tokens. */
function tokenOffsets(): number[] {
  const offsets = [0];
  for (const token of markdownTokens(STREAM_TOKENS)) offsets.push(offsets.at(-1)! + token.length);
  return offsets;
}

/** How many whole tokens `chars` characters hold. */
function tokensAt(offsets: readonly number[], chars: number): number {
  let low = 0;
  let high = offsets.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (offsets[middle]! <= chars) low = middle;
    else high = middle - 1;
  }
  return low;
}

function windowCost(from: MarkSample, to: MarkSample): { per1k: number; cpuPer1k: number; breakdown: string } {
  const delta = (name: string) => ((to.metrics[name] ?? 0) - (from.metrics[name] ?? 0)) * 1000;
  const tokens = Math.max(1, to.tokens - from.tokens);
  const scale = 1000 / tokens;
  const per1k = delta('TaskDuration') * scale;
  const breakdown =
    `script ${fixed(delta('ScriptDuration') * scale, 0)}, style ${fixed(delta('RecalcStyleDuration') * scale, 0)}, ` +
    `layout ${fixed(delta('LayoutDuration') * scale, 0)}, CDP commands ${fixed(delta('DevToolsCommandDuration') * scale, 0)}, ` +
    `other ${fixed(delta('TaskOtherDuration') * scale, 0)}; CPU ${fixed(delta('ThreadTime') * scale, 0)} ms; ` +
    `tokens ${from.tokens}→${to.tokens}, ${fixed(to.at - from.at, 0)} ms wall`;
  return { per1k, cpuPer1k: delta('ThreadTime') * scale, breakdown };
}

async function streamOnce(page: Page, cdp: CDPSession, run: number, offsets: readonly number[]): Promise<StreamRun> {
  if (run > 0) {
    await page.click('[data-testid="new-chat"]');
    await waitFor(
      'a new chat',
      () => page.evaluate(`document.querySelectorAll('[data-testid="message"]').length === 0`) as Promise<boolean>,
    );
  }
  const marks = MARK_TOKENS.map((tokens) => (tokens === 0 ? 1 : offsets[tokens]!));
  const samples: Array<Promise<MarkSample>> = [];
  const onBinding = (event: { name: string; payload: string }) => {
    if (event.name !== MARK_BINDING) return;
    const mark = JSON.parse(event.payload) as { index: number; at: number; chars: number };
    samples.push(metrics(cdp).then((m) => ({ ...mark, tokens: tokensAt(offsets, mark.chars), metrics: m })));
  };
  cdp.on('Runtime.bindingCalled', onBinding);
  try {
    await page.evaluate(`window.__rendererBench.arm(${JSON.stringify({ marks })})`);
    const before = await metrics(cdp);
    const started = performance.now();
    const composer = page.getByTestId('composer');
    await composer.focus();
    await composer.fill(`Benchmark reply ${run + 1} [[mock:markdown tokens=${STREAM_TOKENS} rate=${STREAM_RATE}]]`);
    await page.keyboard.press('Enter');
    const limit = ((STREAM_TOKENS / STREAM_RATE) * 1000 + 30_000) | 0;
    const done = await Promise.race([
      page.evaluate(`window.__rendererBench.whenDone()`),
      new Promise((resolve) => setTimeout(() => resolve('timeout'), limit)),
    ]);
    const after = await metrics(cdp);
    const wholeWallMs = performance.now() - started;
    const probe = (await page.evaluate(`window.__rendererBench.result()`)) as ProbeResult;
    if (done === 'timeout') throw new Error(`the reply did not complete within ${limit} ms`);
    if (probe.endKind !== 'done')
      throw new Error(`the reply ended with ${probe.endKind}: ${JSON.stringify(probe.error)}`);
    const markSamples = (await Promise.all(samples)).sort((a, b) => a.index - b.index);
    if (markSamples.length !== MARK_TOKENS.length)
      throw new Error(`expected ${MARK_TOKENS.length} token marks, got ${markSamples.length}`);

    const from = probe.firstDeltaAt ?? probe.armedAt;
    const to = probe.lastDeltaAt ?? probe.completeAt ?? from;
    const frameTimes = probe.frames.filter((time) => time >= from && time <= to);
    const frameDeltas = frameTimes.slice(1).map((time, index) => time - frameTimes[index]!);
    const first = windowCost(markSamples[0]!, markSamples[1]!);
    const last = windowCost(markSamples.at(-2)!, markSamples.at(-1)!);
    const series = markSamples.slice(1).map((sample, index) => windowCost(markSamples[index]!, sample).per1k);
    const lags = probe.arrivals.map(
      ([at, chars]) =>
        at -
        probe.arrivals[0]![0] -
        ((tokensAt(offsets, chars) - tokensAt(offsets, probe.arrivals[0]![1])) * 1000) / STREAM_RATE,
    );
    const first3k = windowCost(markSamples[0]!, markSamples[3]!);
    const last3k = windowCost(markSamples.at(-4)!, markSamples.at(-1)!);
    return {
      probe,
      marks: markSamples,
      wholeTaskMs: ((after.TaskDuration ?? 0) - (before.TaskDuration ?? 0)) * 1000,
      wholeWallMs,
      longTaskCount: probe.longTasks.filter((task) => task.duration > 50).length,
      longTaskMaxMs: Math.max(0, ...probe.longTasks.map((task) => task.duration)),
      frameP50: percentile(frameDeltas, 0.5),
      frameP95: percentile(frameDeltas, 0.95),
      frameMax: Math.max(0, ...frameDeltas),
      framesOver50: frameDeltas.filter((delta) => delta > 50).length,
      framesCount: frameDeltas.length,
      firstPer1k: first.per1k,
      lastPer1k: last.per1k,
      ratio: last.per1k / first.per1k,
      cpuRatio: last.cpuPer1k / first.cpuPer1k,
      ratio3k: last3k.per1k / first3k.per1k,
      firstBreakdown: first.breakdown,
      lastBreakdown: last.breakdown,
      seriesPer1k: series,
      domP50: percentile(probe.toDom, 0.5),
      domP95: percentile(probe.toDom, 0.95),
      domMax: Math.max(0, ...probe.toDom),
      frameLatP50: percentile(probe.toFrame, 0.5),
      frameLatP95: percentile(probe.toFrame, 0.95),
      finishMs: (probe.completeAt ?? Number.NaN) - (probe.doneAt ?? Number.NaN),
      deliveryMs: (probe.lastDeltaAt ?? Number.NaN) - (probe.firstDeltaAt ?? Number.NaN),
      lagEndMs: lags.at(-1) ?? Number.NaN,
      lagMaxMs: Math.max(...lags),
      lagAt1kMs: lags[probe.arrivals.findIndex(([, chars]) => tokensAt(offsets, chars) >= 1000)] ?? Number.NaN,
    };
  } finally {
    cdp.off('Runtime.bindingCalled', onBinding);
  }
}

interface StreamSection {
  host: LaunchedApp['host'];
  runs: StreamRun[];
  scriptsAtStart: string[];
  scriptsAfterStreaming: string[];
  expectedChars: number;
}

async function benchStreaming(fixtures: Fixtures): Promise<StreamSection> {
  const mock = await startMockServer({ requiredKey: KEY });
  const userDataDir = fixtures.seedMockProvider(mock.url);
  let app: LaunchedApp | null = null;
  try {
    app = await launch(fixtures, { userDataDir });
    const { page } = app;
    const cdp = await page.context().newCDPSession(page);
    // What the page loaded at start, before anything was sent (file:// loads are not in Resource Timing).
    const scriptsAtStart = await scriptsLoaded(cdp);

    const stored = (await page.evaluate(`(async () => {
      const providers = await window.nagare.providers.list();
      if (!providers.ok || !providers.value[0]) return { ok: false, error: 'no seeded provider' };
      return window.nagare.secrets.set({ providerId: providers.value[0].id, key: ${JSON.stringify(KEY)}, sessionOnly: true });
    })()`)) as { ok: boolean; error?: unknown };
    if (!stored.ok) throw new Error(`could not set the session key: ${JSON.stringify(stored.error)}`);

    await cdp.send('Performance.enable');
    await cdp.send('Runtime.addBinding', { name: MARK_BINDING });
    await page.evaluate(STREAM_PROBE);
    if (process.env.RENDERER_BENCH_EXPERIMENT_CSS)
      await page.evaluate(
        `(() => { const style = document.createElement('style'); style.textContent = ${JSON.stringify(process.env.RENDERER_BENCH_EXPERIMENT_CSS)}; document.head.append(style); })()`,
      );

    const offsets = tokenOffsets();
    const runs: StreamRun[] = [];
    for (let run = 0; run < STREAM_RUNS; run++) runs.push(await streamOnce(page, cdp, run, offsets));
    const scriptsAfterStreaming = await scriptsLoaded(cdp);
    await cdp.detach().catch(() => undefined);
    return { host: app.host, runs, scriptsAtStart, scriptsAfterStreaming, expectedChars: offsets.at(-1)! };
  } catch (error) {
    if (app) console.warn(`main said:\n${app.output().slice(-3000)}`);
    throw error;
  } finally {
    if (app) await closeApp(app);
    await mock.close();
    rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

// ───────────────────────────────────────────── 2. opening a long conversation

/** Mixed English and Japanese prose, trimmed. */
function proseOf(random: () => number, max = 1500): string {
  return prose(random, { max, sentences: true }).trim();
}

/** A reply as models write them: prose, and now and then a list, inline code or a code block. */
function reply(random: () => number): string {
  const parts = [proseOf(random)];
  if (random() < 0.25) {
    parts.push(
      Array.from(
        { length: 2 + Math.floor(random() * 4) },
        () => `- ${proseOf(random, 80)} \`${pick(random, ENGLISH_WORDS)}\``,
      ).join('\n'),
    );
  }
  if (random() < 0.1) {
    parts.push('```ts\nexport function add(a: number, b: number): number {\n  return a + b;\n}\n```');
  }
  if (random() < 0.3) parts.push(proseOf(random, 600));
  return parts.join('\n\n');
}

interface SeededConversation {
  id: string;
  newestId: string;
  oldestId: string;
  messages: number;
}

/** Writes two conversations into `directory`'s nagare.db through HistoryRepository, as the app would have. */
function seedHistory(directory: string): { long: SeededConversation; short: SeededConversation; seedMs: number } {
  const started = performance.now();
  const { db } = openHistoryDatabase({ directory, now: Date.now });
  try {
    // This connection only: the seed does not need to survive a power cut.
    db.exec('PRAGMA synchronous = OFF');
    let clock = Date.now() - 30 * 24 * 3600 * 1000;
    const repository = new HistoryRepository(db, () => (clock += 1000), randomUUID);
    const random = makeRandom(0x10000);
    const fill = (title: string, count: number): SeededConversation => {
      const conversation = repository.createConversation({ title });
      let parent: string | null = null;
      let oldestId = '';
      for (let index = 0; index < count; index += 2) {
        const user = repository.addUserMessage(conversation.id, parent, proseOf(random, 600));
        if (!oldestId) oldestId = user.id;
        const assistant = repository.beginAssistantMessage(conversation.id, user.id, 'mock-gpt');
        repository.finishMessage(assistant.id, { status: 'complete', content: reply(random) });
        parent = assistant.id;
      }
      return { id: conversation.id, newestId: parent!, oldestId, messages: count };
    };
    const long = fill('Ten thousand messages 長い会話', LONG_CONVERSATION);
    const short = fill('Ten messages 短い会話', SHORT_CONVERSATION);
    return { long, short, seedMs: performance.now() - started };
  } finally {
    db.close();
  }
}

interface OpenResult {
  click: number;
  dom: number;
  visible: number;
  painted: number;
  nodes: number;
  messageElements: number;
}

interface OpenSection {
  seedMs: number;
  /** history.open of the newest 200 messages of the long conversation, called from the page: the IPC and main's share. */
  ipcOpenMs: number[];
  long: OpenResult[];
  short: OpenResult[];
  /** Scrolling up from the newest message by 0.8 viewports at a time (see scrollUpProbe). */
  scrolledUp: { jumps: number[]; stepMs: number[]; lost: number };
  scrolled: {
    reached: boolean;
    steps: number;
    ms: number;
    nodes: number;
    messageElements: number;
    loaded: number | null;
  } | null;
}

async function openOnce(page: Page, conversation: SeededConversation): Promise<OpenResult> {
  await page.evaluate(openProbe(conversation.newestId));
  await page.click(`[data-testid="conversation-item"][data-conversation-id="${conversation.id}"]`);
  return (await page.evaluate('window.__rendererBenchOpen')) as OpenResult;
}

async function benchOpen(fixtures: Fixtures): Promise<OpenSection> {
  const userDataDir = mkdtempSync(join(os.tmpdir(), 'nagare-bench-renderer-'));
  let app: LaunchedApp | null = null;
  try {
    const { long, short, seedMs } = seedHistory(userDataDir);
    app = await launch(fixtures, { userDataDir });
    const { page } = app;
    await page.locator(`[data-conversation-id="${long.id}"]`).waitFor({ timeout: 20_000 });
    await page.locator(`[data-conversation-id="${short.id}"]`).waitFor({ timeout: 20_000 });
    const longRuns: OpenResult[] = [];
    const shortRuns: OpenResult[] = [];
    for (let run = 0; run < OPEN_RUNS; run++) {
      shortRuns.push(await openOnce(page, short));
      longRuns.push(await openOnce(page, long));
    }
    const ipcOpenMs = (await page.evaluate(`(async () => {
      const times = [];
      for (let i = 0; i < ${OPEN_RUNS}; i++) {
        const started = performance.now();
        const opened = await window.nagare.history.open({ conversationId: ${JSON.stringify(long.id)}, limit: 200 });
        times.push(performance.now() - started);
        if (!opened.ok) throw new Error(opened.error.message);
      }
      return times;
    })()`)) as number[];
    // The long one is open: scroll up through it as a reader would, then to its top until the oldest message is rendered, loading every page.
    const scrolledUp = (await page.evaluate(scrollUpProbe(SCROLL_UP_STEPS))) as OpenSection['scrolledUp'];
    const scrolled = (await page.evaluate(scrollToOldestProbe(long.oldestId, SCROLL_THROUGH_BUDGET_MS))) as Omit<
      NonNullable<OpenSection['scrolled']>,
      'loaded'
    >;
    // Read-only, for the report: how many messages the chat store holds now.
    const loaded = (await page.evaluate(
      `(() => { try { return document.getElementById('app').__vue_app__.config.globalProperties.$pinia.state.value.chat.messages.length; } catch { return null; } })()`,
    )) as number | null;
    return { seedMs, ipcOpenMs, long: longRuns, short: shortRuns, scrolledUp, scrolled: { ...scrolled, loaded } };
  } catch (error) {
    if (app) console.warn(`main said:\n${app.output().slice(-3000)}`);
    throw error;
  } finally {
    if (app) await closeApp(app);
    rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

// ───────────────────────────────────────────── 3. JavaScript at start

interface Chunk {
  file: string;
  bytes: number;
  gzip: number;
}

const STATIC_IMPORT = /(?:^|[;}\s])(?:import|export)\s*(?:[\w$*{},\s]+?\s*from\s*)?["'`](\.\.?\/[^"'`]+?\.js)["'`]/g;

/** The entry scripts of index.html, their modulepreloads and, transitively, their static imports. */
function startBundle(): { start: Chunk[]; lazy: Chunk[]; css: Chunk[] } {
  const html = readFileSync(join(rendererDir, 'index.html'), 'utf8');
  const chunkOf = (path: string): Chunk => {
    const content = readFileSync(path);
    return { file: path.slice(rendererDir.length + 1), bytes: content.length, gzip: gzipSync(content).length };
  };
  const queue: string[] = [];
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) queue.push(join(rendererDir, match[1]!));
  for (const match of html.matchAll(/<link\b[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g))
    queue.push(join(rendererDir, match[1]!));
  const seen = new Set<string>();
  while (queue.length > 0) {
    const path = queue.shift()!;
    if (seen.has(path) || !path.endsWith('.js')) continue;
    seen.add(path);
    const source = readFileSync(path, 'utf8');
    for (const match of source.matchAll(STATIC_IMPORT)) queue.push(join(dirname(path), match[1]!));
  }
  const assets = join(rendererDir, 'assets');
  const all = readdirSync(assets).map((file) => join(assets, file));
  const css = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map((match) =>
    chunkOf(join(rendererDir, match[1]!)),
  );
  return {
    start: [...seen].map(chunkOf),
    lazy: all.filter((path) => path.endsWith('.js') && !seen.has(path)).map(chunkOf),
    css,
  };
}

// ───────────────────────────────────────────── report

function streamingReport(section: StreamSection): string[] {
  const { runs } = section;
  const s = (pick: (run: StreamRun) => number) => spread(runs.map(pick));
  /** A row measured without a target. */
  const figure = (label: string, pick: (run: StreamRun) => number, digits: number, unit = ''): string[] => [
    label,
    formatSpread(s(pick), digits, unit),
    '',
    '',
  ];
  const lines: string[] = [];
  lines.push(
    `1. Streaming a ${STREAM_TOKENS.toLocaleString('en')}-token markdown reply (headings, lists, code, a table) at ${STREAM_RATE.toLocaleString('en')} tokens/s, ${runs.length} runs in one app (a new chat each): median (min–max)`,
  );
  const longTasks = s((run) => run.longTaskCount);
  const ratio = s((run) => run.ratio);
  const domP95 = s((run) => run.domP95);
  const frameLatP95 = s((run) => run.frameLatP95);
  lines.push(
    ...table(
      ['metric', 'measured', 'target', ''],
      [
        [
          '(a) long tasks > 50 ms, count',
          formatSpread(longTasks, 0),
          `${TARGETS.longTasks}`,
          verdict(longTasks.median <= TARGETS.longTasks),
        ],
        figure('    longest long task', (run) => run.longTaskMaxMs, 0, ' ms'),
        figure('(b) frame time p95 (rAF deltas)', (run) => run.frameP95, 1, ' ms'),
        figure('    frame time p50', (run) => run.frameP50, 1, ' ms'),
        figure('    longest frame', (run) => run.frameMax, 0, ' ms'),
        figure('    frames > 50 ms', (run) => run.framesOver50, 0),
        figure('(c) main thread, first 1,000 tokens', (run) => run.firstPer1k, 0, ' ms'),
        figure('    main thread, last 1,000 tokens', (run) => run.lastPer1k, 0, ' ms'),
        [
          '    last ÷ first',
          formatSpread(ratio, 2),
          `≤ ${TARGETS.firstLastRatio}`,
          verdict(ratio.median <= TARGETS.firstLastRatio),
        ],
        figure('    last ÷ first, main-thread CPU time', (run) => run.cpuRatio, 2),
        figure('    last ÷ first, 3,000-token windows', (run) => run.ratio3k, 2),
        [
          '(d) token-to-DOM latency p95',
          formatSpread(domP95, 1, ' ms'),
          `≤ ${TARGETS.tokenToDomP95Ms} ms`,
          verdict(domP95.median <= TARGETS.tokenToDomP95Ms),
        ],
        figure('    token-to-DOM latency p50', (run) => run.domP50, 1, ' ms'),
        figure('    token-to-DOM latency max', (run) => run.domMax, 0, ' ms'),
        [
          '    token-to-next-frame p95',
          formatSpread(frameLatP95, 1, ' ms'),
          `≤ ${TARGETS.tokenToDomP95Ms} ms`,
          verdict(frameLatP95.median <= TARGETS.tokenToDomP95Ms),
        ],
        figure('    token-to-next-frame p50', (run) => run.frameLatP50, 1, ' ms'),
        figure('main-thread busy, whole reply', (run) => (100 * run.wholeTaskMs) / run.wholeWallMs, 0, '%'),
        [
          'first → last delta in the page',
          formatSpread(
            s((run) => run.deliveryMs / 1000),
            2,
            ' s',
          ),
          `${fixed(STREAM_TOKENS / STREAM_RATE, 1)} s paced`,
          '',
        ],
        figure('    arrival lag behind pacing, at 1,000 tokens', (run) => run.lagAt1kMs, 0, ' ms'),
        figure('    arrival lag behind pacing, at end', (run) => run.lagEndMs, 0, ' ms'),
        figure('    arrival lag behind pacing, worst', (run) => run.lagMaxMs, 0, ' ms'),
        figure('done → shown complete (final render)', (run) => run.finishMs, 0, ' ms'),
      ],
    ),
  );
  lines.push('  per run:');
  runs.forEach((run, index) => {
    const p = run.probe;
    lines.push(
      `   run ${index + 1}: ${p.deltas} deltas, ${p.chars.toLocaleString('en')} chars (expected ${section.expectedChars.toLocaleString('en')}), ` +
        `${p.blocks} blocks and ${p.nodesInReply.toLocaleString('en')} elements in the reply, ${p.nodes.toLocaleString('en')} in the page; ` +
        `long tasks ${run.longTaskCount}${p.longTasksUnsupported ? ` (observer unsupported: ${p.longTasksUnsupported})` : ''}, ` +
        `frames ${run.framesCount}, latency samples ${p.toDom.length} (${p.verified} content-checked renders, ${p.viaLater} deltas resolved by a later check, ${p.unresolved} unresolved)`,
    );
    lines.push(`          first 1,000 tokens: ${fixed(run.firstPer1k, 0)} ms (${run.firstBreakdown})`);
    lines.push(`          last 1,000 tokens:  ${fixed(run.lastPer1k, 0)} ms (${run.lastBreakdown})`);
    lines.push(
      `          main-thread ms per 1,000 tokens, 0→${STREAM_TOKENS / 1000}k: ${run.seriesPer1k.map((value) => fixed(value, 0)).join(' ')}`,
    );
  });
  return lines;
}

function openReport(section: OpenSection): string[] {
  const longVisible = spread(section.long.map((run) => run.visible - run.click));
  const lines: string[] = [];
  lines.push(
    `2. Opening a conversation from the sidebar (${LONG_CONVERSATION.toLocaleString('en')} vs ${SHORT_CONVERSATION} messages, seeded through HistoryRepository in ${fixed(section.seedMs / 1000, 1)} s), ${OPEN_RUNS} alternating opens: median (min–max)`,
  );
  const row = (
    label: string,
    runs: OpenResult[],
    pickValue: (run: OpenResult) => number,
    digits: number,
    unit: string,
  ) => [label, formatSpread(spread(runs.map(pickValue)), digits, unit)];
  const rows: string[][] = [
    [
      ...row(
        `click → newest message visible, ${LONG_CONVERSATION.toLocaleString('en')} msgs`,
        section.long,
        (run) => run.visible - run.click,
        0,
        ' ms',
      ),
      `≤ ${TARGETS.openMs} ms`,
      verdict(longVisible.median <= TARGETS.openMs),
    ],
    [...row('    first open (cold)', section.long.slice(0, 1), (run) => run.visible - run.click, 0, ' ms'), '', ''],
    [...row('    click → in the DOM', section.long, (run) => run.dom - run.click, 0, ' ms'), '', ''],
    ['    of which history.open (200 msgs) IPC round trip', formatSpread(spread(section.ipcOpenMs), 0, ' ms'), '', ''],
    [...row('    click → after that frame painted', section.long, (run) => run.painted - run.click, 0, ' ms'), '', ''],
    [...row('    page elements', section.long, (run) => run.nodes, 0, ''), '', ''],
    [...row('    message elements', section.long, (run) => run.messageElements, 0, ''), '', ''],
    [
      ...row(
        `click → newest message visible, ${SHORT_CONVERSATION} msgs`,
        section.short,
        (run) => run.visible - run.click,
        0,
        ' ms',
      ),
      '',
      '',
    ],
    [...row('    page elements', section.short, (run) => run.nodes, 0, ''), '', ''],
    [...row('    message elements', section.short, (run) => run.messageElements, 0, ''), '', ''],
  ];
  const longNodes = median(section.long.map((run) => run.nodes));
  const shortNodes = median(section.short.map((run) => run.nodes));
  rows.push([
    `page elements, ${LONG_CONVERSATION.toLocaleString('en')} ÷ ${SHORT_CONVERSATION} msgs`,
    fixed(longNodes / shortNodes, 2),
    'bounded',
    '',
  ]);
  const up = section.scrolledUp;
  // Rows have fractional heights and the scroll position is rounded: a pixel or so of that is not a jump.
  const moved = up.jumps.filter((jump) => jump >= 2);
  rows.push(
    [
      `scroll up ${up.stepMs.length} × 0.8 viewport from the newest: time to the 3rd frame`,
      formatSpread(spread(up.stepMs), 0, ' ms'),
      '',
      '',
    ],
    [
      '    content jump per step (message at the top vs the distance scrolled)',
      `${formatSpread(spread(up.jumps), 0, ' px')}, p95 ${fixed(percentile(up.jumps, 0.95), 0)} px`,
      '< 2 px',
      verdict(up.jumps.length > 0 ? moved.length === 0 : null),
    ],
    [
      '    steps where the content jumped ≥ 2 px',
      `${moved.length} of ${up.jumps.length}${up.lost ? ` (${up.lost} lost their anchor)` : ''}`,
      '',
      '',
    ],
  );
  if (section.scrolled) {
    const sc = section.scrolled;
    rows.push([
      `after scrolling to the oldest message`,
      `${sc.nodes.toLocaleString('en')} elements, ${sc.messageElements} messages`,
      'bounded',
      verdict(sc.reached ? sc.nodes <= longNodes * 3 : null),
    ]);
    lines.push(...table(['metric', 'measured', 'target', ''], rows));
    lines.push(
      `  scroll-through: ${sc.reached ? 'reached the oldest message' : 'did NOT reach the oldest message'} in ${fixed(sc.ms / 1000, 1)} s ` +
        `(${sc.steps} scrolls to the top), chat store holds ${sc.loaded ?? 'n/a'} messages`,
    );
  } else {
    lines.push(...table(['metric', 'measured', 'target', ''], rows));
  }
  return lines;
}

function bundleReport(bundle: ReturnType<typeof startBundle>, stream: StreamSection | null): string[] {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const startGzip = bundle.start.reduce((sum, chunk) => sum + chunk.gzip, 0);
  const startRaw = bundle.start.reduce((sum, chunk) => sum + chunk.bytes, 0);
  const lazyGzip = bundle.lazy.reduce((sum, chunk) => sum + chunk.gzip, 0);
  const lines: string[] = [];
  lines.push(
    '3. Renderer JavaScript at start (index.html entry + modulepreload + static imports; gzip level 6, node:zlib)',
  );
  lines.push(
    ...table(
      ['metric', 'measured', 'target', ''],
      [
        [
          'JS loaded at start, gzip',
          kb(startGzip),
          `≤ ${TARGETS.startJsGzipKb} KB`,
          verdict(startGzip / 1024 <= TARGETS.startJsGzipKb),
        ],
        ['JS loaded at start, raw', kb(startRaw), '', ''],
        ['lazy chunks (not at start), gzip', `${kb(lazyGzip)} in ${bundle.lazy.length} files`, '', ''],
        ['CSS at start, gzip', kb(bundle.css.reduce((sum, chunk) => sum + chunk.gzip, 0)), '', ''],
      ],
    ),
  );
  for (const chunk of bundle.start)
    lines.push(`   start: ${chunk.file}  ${kb(chunk.bytes)} raw, ${kb(chunk.gzip)} gzip`);
  const biggestLazy = [...bundle.lazy].sort((a, b) => b.gzip - a.gzip).slice(0, 3);
  lines.push(
    `   largest lazy: ${biggestLazy.map((chunk) => `${chunk.file.replace('assets/', '')} ${kb(chunk.gzip)}`).join(', ')}`,
  );
  if (stream) {
    const lazyNames = new Set(bundle.lazy.map((chunk) => chunk.file.replace('assets/', '')));
    const lazyAtStart = stream.scriptsAtStart.filter((file) => lazyNames.has(file));
    lines.push(
      `   scripts the page had loaded at start (CDP Page.getResourceTree, before any message): ${stream.scriptsAtStart.join(', ') || 'none'}` +
        ` — lazy chunks among them: ${lazyAtStart.length === 0 ? 'none' : lazyAtStart.join(', ')}`,
    );
    const later = stream.scriptsAfterStreaming.filter((file) => !stream.scriptsAtStart.includes(file));
    lines.push(`   loaded on demand by the streamed replies (\`\`\`ts blocks): ${later.join(', ') || 'none'}`);
  }
  return lines;
}

async function runParts(fixtures: Fixtures, lines: string[]): Promise<void> {
  const only = process.env.RENDERER_BENCH_ONLY ?? '';
  const stream = only === '' || only === 'stream' ? await benchStreaming(fixtures) : null;
  if (stream) {
    lines.splice(1, 0, hostLine(stream.host));
    lines.push('', ...streamingReport(stream));
  }
  if (only === '' || only === 'open') lines.push('', ...openReport(await benchOpen(fixtures)));
  lines.push('', ...bundleReport(startBundle(), stream));
}

/** Runs every renderer benchmark and returns the report. */
export async function runRendererBench(): Promise<string> {
  requireBuild();
  const started = performance.now();
  const lines = [machineLine('Renderer performance'), `  ${buildAge()}`];
  if (process.env.RENDERER_BENCH_EXPERIMENT_CSS)
    lines.push(`  EXPERIMENT: streaming ran with extra CSS: ${process.env.RENDERER_BENCH_EXPERIMENT_CSS}`);
  const fixtures = await loadFixtures();
  await closingOnInterrupt('renderer', () => runParts(fixtures, lines));
  lines.push(
    '',
    'Methods:',
    '  (a) PerformanceObserver("longtask") in the page, entries between sending and the reply shown complete.',
    '  (b) A requestAnimationFrame loop; deltas between frame timestamps from the first to the last delta.',
    `  (c) The bench's own listener (window.nagare.chat.onEvent, called after the app's store) sums delta lengths; when they pass the`,
    `      character offset of token 0 (first delta), 1,000, 2,000 … ${STREAM_TOKENS.toLocaleString('en')} it calls a CDP binding and the bench samples`,
    '      Performance.getMetrics (TaskDuration = renderer main-thread task time; Script/RecalcStyle/Layout break it down).',
    '      Windows are normalized to ms per 1,000 tokens (marks land a delta, ~30 tokens, past the threshold).',
    "      'CDP commands' is where the chromium host delivers IPC (Playwright evaluations): the app's reaction to each",
    "      event (store, markdown, Vue patch) runs inside it, so 'script' alone understates the app's JavaScript.",
    '      CPU = ThreadTime (main-thread CPU time), less sensitive than task wall time to other load on the machine.',
    "      Arrival lag: in-page arrival of each delta against the mock's pacing (tokens ÷ rate), from the first delta.",
    '  (d) The same listener stamps each delta on arrival; it counts as rendered at the first mutation of the reply',
    "      (its tail or a newly frozen block) whose rendered end shows the last word received; 'next frame' is the first",
    "      rAF callback after that mutation. On the chromium host arrival is when main's CDP evaluation dispatches the",
    "      event, so the IPC path itself and main's 16 ms coalescing are not included.",
    '  2. Click event timeStamp → MutationObserver sees the newest message element → IntersectionObserver entry.time',
    '     when it intersects the scroller (the frame that shows it) → a MessageChannel task after the next rAF (painted).',
    '     Elements: document.getElementsByTagName("*").length 500 ms after.',
    '     Scroll up: before each step the message at the top of the scroller is taken; scrollTop is lowered by 0.8',
    '     of its height; three frames later that message should be exactly the distance scrolled lower. The jump is',
    '     the difference (under 2 px is rounding of fractional row heights).',
    `  Total bench time ${fixed((performance.now() - started) / 1000, 0)} s.`,
  );
  return lines.join('\n');
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runRendererBench());
}
