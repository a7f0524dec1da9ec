/**
 * A long session in the built app, watching the renderer's memory: long replies
 * streamed, conversations switched, the inspector opened and closed, history
 * searched. Each kind of action runs in blocks; before and after each block the
 * page's garbage is collected (twice) and the JS heap, the DOM nodes and the
 * event listeners are read (CDP `Runtime.getHeapUsage`, `Memory.getDOMCounters`),
 * always on the same conversation. Growth per action is a block's difference
 * divided by its actions: the target is ≈ 0 (within noise) for each kind.
 *
 * Noise: blocks of nothing (a second of waiting) give the spread between two
 * samples with no action at all. The host's share: the page also holds the
 * electron double's bridge (IPC crosses CDP, where Electron has native IPC);
 * blocks of bare IPC calls (`history.list`, no interface) show what that costs
 * per round trip, apart from the app's actions.
 *
 * Run: `npm run bench -- memory` after `npx electron-vite build` (about 2 minutes).
 * `MEMORY_BENCH_BLOCKS=N` runs N blocks of each kind (default 5).
 */
import { pathToFileURL } from 'node:url';
import type { CDPSession, Page } from '@playwright/test';
import { seedLongConversation } from '../e2e/fixtures/seedHistory';
import { buildAge, hostLine, machineLine, table, verdict, waitFor, withMockApp } from './appHost';
import { fixed, formatSpread, spread } from './stats';

const KEY = 'sk-memory-bench-0123456789abcdef';
const BLOCKS = Number(process.env.MEMORY_BENCH_BLOCKS ?? 5);
const SEEDED_CONVERSATIONS = 12;
const REPLY_TOKENS = 5_000;
const SEARCHES = ['stream', '会話', 'token', 'Reply 3', '履歴', 'virtual'];

interface Sample {
  heapBytes: number;
  nodes: number;
  listeners: number;
  documents: number;
  /** Nodes in the document (elements, text, comments): the rest of `nodes` is held outside it. */
  documentNodes: number;
}

/** One kind of action: its name, how many a block runs, and one action given its number in the session. */
interface ActionKind {
  name: string;
  perBlock: number;
  /** Listeners an action may add for good, and why (a reply adds its conversation's row to the sidebar). */
  listenersKept?: { count: number; why: string };
  run: (index: number) => Promise<void>;
}

interface KindResult {
  name: string;
  perBlock: number;
  listenersKept?: ActionKind['listenersKept'];
  blocks: Array<{ before: Sample; after: Sample }>;
}

async function sample(cdp: CDPSession): Promise<Sample> {
  // Twice: what the first collection frees (finalizers, weak maps) can free more.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const counters = await cdp.send('Memory.getDOMCounters');
  const inDocument = await cdp.send('Runtime.evaluate', {
    expression: `(() => {
      const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
      let count = 1;
      while (walker.nextNode()) count++;
      return count;
    })()`,
    returnByValue: true,
  });
  return {
    heapBytes: heap.usedSize,
    nodes: counters.nodes,
    listeners: counters.jsEventListeners,
    documents: counters.documents,
    documentNodes: inDocument.result.value as number,
  };
}

/** Waits two frames in the page, so that what an action changed has rendered. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

async function openConversation(page: Page, id: string): Promise<void> {
  await page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`).click();
  await waitFor(`conversation ${id} open`, async () =>
    page.evaluate(
      (conversationId) =>
        document.querySelector(
          `[data-testid="conversation-item"][data-conversation-id="${conversationId}"][aria-selected="true"]`,
        ) !== null,
      id,
    ),
  );
  await settle(page);
}

/** Starts a new chat, streams a long markdown reply into it, and answers its conversation and message. */
async function longReply(page: Page, label: string): Promise<{ conversationId: string; messageId: string }> {
  await page.keyboard.press('Control+n');
  await page.getByTestId('empty-state').waitFor();
  await page.getByTestId('composer').fill(`${label} [[mock:markdown tokens=${REPLY_TOKENS} rate=100000]]`);
  await page.keyboard.press('Enter');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await waitFor('the long reply', async () => (await reply.getAttribute('data-status')) === 'complete', 120_000);
  const messageId = (await reply.getAttribute('data-message-id'))!;
  const conversationId = await waitFor('the reply in the sidebar', () =>
    page.evaluate(
      () =>
        document.querySelector<HTMLElement>('[data-testid="conversation-item"][aria-selected="true"]')?.dataset
          .conversationId ?? null,
    ),
  );
  return { conversationId, messageId };
}

async function inspect(page: Page, messageId: string): Promise<void> {
  await page.locator(`[data-message-id="${messageId}"] [data-testid="inspect-message"]`).click();
  const panel = page.getByTestId('inspector-panel');
  await panel.getByTestId('inspector-merged').waitFor();
  await waitFor('the merge read', async () => (await panel.getByTestId('inspector-merge-reading').count()) === 0);
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
}

async function search(page: Page, query: string): Promise<void> {
  await page.keyboard.press('Control+f');
  const box = page.getByTestId('history-search');
  await box.fill(query);
  await page.getByTestId('search-hit').first().waitFor();
  await box.press('Escape');
  await page.getByTestId('search-hit').first().waitFor({ state: 'detached' });
}

async function runKind(page: Page, cdp: CDPSession, kind: ActionKind, home: () => Promise<void>): Promise<KindResult> {
  const blocks: KindResult['blocks'] = [];
  let index = 0;
  // One block first, unmeasured: code compiled and optimized, caches filled, by this kind's first actions.
  for (let action = 0; action < kind.perBlock; action++) await kind.run(index++);
  for (let block = 0; block < BLOCKS; block++) {
    await home();
    const before = await sample(cdp);
    for (let action = 0; action < kind.perBlock; action++) await kind.run(index++);
    await home();
    blocks.push({ before, after: await sample(cdp) });
  }
  return { name: kind.name, perBlock: kind.perBlock, listenersKept: kind.listenersKept, blocks };
}

function report(results: KindResult[], first: Sample, last: Sample, started: number): string {
  const lines = [machineLine('Memory over a session'), hostLine('chromium'), `  ${buildAge()}`, ''];
  const growth = (result: KindResult, pick: (s: Sample) => number) =>
    result.blocks.map(({ before, after }) => (pick(after) - pick(before)) / result.perBlock);
  const idle = results.find((result) => result.name.startsWith('nothing'))!;
  // Noise per sample pair, from the idle blocks: the largest difference with no action.
  const noise = (pick: (s: Sample) => number) =>
    Math.max(...idle.blocks.map(({ before, after }) => Math.abs(pick(after) - pick(before))));
  const heapKb = (s: Sample) => s.heapBytes / 1024;
  const outsideDocument = (s: Sample) => s.nodes - s.documentNodes;
  lines.push(
    `${BLOCKS} blocks of each kind; garbage collected before every sample; growth per action: median (min–max) over the blocks`,
    '',
    ...table(
      ['action (per block)', 'JS heap', 'DOM nodes alive', 'outside the document', 'listeners', 'within noise'],
      results.map((result) => {
        const heap = spread(growth(result, heapKb));
        const nodes = spread(growth(result, (s) => s.nodes));
        const outside = spread(growth(result, outsideDocument));
        const listeners = spread(growth(result, (s) => s.listeners));
        const isIdle = result === idle;
        const within =
          heap.median * result.perBlock <= Math.max(noise(heapKb), 16) &&
          outside.median * result.perBlock <= noise(outsideDocument) &&
          (listeners.median - (result.listenersKept?.count ?? 0)) * result.perBlock <= noise((s) => s.listeners);
        return [
          `${result.name} (${result.perBlock})`,
          formatSpread(heap, 1, ' KB'),
          formatSpread(nodes, 1),
          formatSpread(outside, 1),
          formatSpread(listeners, 1),
          isIdle ? '(the noise)' : verdict(within),
        ];
      }),
    ),
    '',
    `  noise between two samples with no action: JS heap ${fixed(noise(heapKb), 1)} KB, DOM nodes ${noise((s) => s.nodes)}, outside the document ${noise(outsideDocument)}, listeners ${noise((s) => s.listeners)}`,
    ...results
      .filter((result) => result.listenersKept)
      .map(
        (result) =>
          `  ${result.name}: ${result.listenersKept!.count} listeners kept per action: ${result.listenersKept!.why}`,
      ),
    `  whole session: JS heap ${fixed(heapKb(first) / 1024, 1)} → ${fixed(heapKb(last) / 1024, 1)} MB, DOM nodes ${first.nodes} → ${last.nodes}, listeners ${first.listeners} → ${last.listeners}, documents ${first.documents} → ${last.documents}`,
    '',
    'Methods: every block starts and ends on the same conversation (the first long reply, 5,000 tokens of markdown);',
    'samples are CDP HeapProfiler.collectGarbage ×2, then Runtime.getHeapUsage (used) and Memory.getDOMCounters.',
    "“within noise”: a block's median growth (a fall is no growth) is no more than the largest idle difference (16 KB at least for the heap;",
    'nodes outside the document and listeners exactly). Nodes alive may grow with what is on screen (a new sidebar row);',
    'nodes alive outside the document are what a leak keeps. Each kind runs one unmeasured block first.',
    'Bare IPC is the host’s share: the double’s bridge in the page, not the app’s code.',
    `Total bench time ${fixed((performance.now() - started) / 1000, 0)} s.`,
  );
  return lines.join('\n');
}

/** Runs the memory-session benchmark and returns the report. */
export async function runMemoryBench(): Promise<string> {
  const started = performance.now();
  const seed = (userDataDir: string) => {
    for (let index = 0; index < SEEDED_CONVERSATIONS; index++)
      seedLongConversation(userDataDir, 40, `Conversation ${index} 会話 ${index}`);
  };
  return withMockApp(
    'memory',
    KEY,
    async ({ page }) => {
      const cdp = await page.context().newCDPSession(page);

      // Warm-up: one of each action, so that lazy chunks, caches and fonts are in before the first sample.
      const homeReply = await longReply(page, 'Home 最初の長い返事');
      const home = () => openConversation(page, homeReply.conversationId);
      const switchTargets = async () =>
        page.evaluate(() =>
          [...document.querySelectorAll<HTMLElement>('[data-testid="conversation-item"]')]
            .slice(0, 8)
            .map((item) => item.dataset.conversationId!),
        );
      for (const id of await switchTargets()) await openConversation(page, id);
      await home();
      await inspect(page, homeReply.messageId);
      await search(page, SEARCHES[0]!);
      const first = await sample(cdp);

      const targets = await switchTargets();
      const kinds: ActionKind[] = [
        { name: 'nothing (a second of waiting)', perBlock: 1, run: () => page.waitForTimeout(1000) },
        {
          name: `long reply of ${REPLY_TOKENS.toLocaleString('en')} tokens`,
          perBlock: 1,
          listenersKept: { count: 2, why: 'its conversation is a new row at the top of the sidebar' },
          run: async (i) => void (await longReply(page, `Reply ${i}`)),
        },
        {
          name: 'conversation switch',
          perBlock: 30,
          run: (i) => openConversation(page, targets[i % targets.length]!),
        },
        { name: 'inspector open and close', perBlock: 4, run: () => inspect(page, homeReply.messageId) },
        { name: 'search, then Escape', perBlock: 4, run: (i) => search(page, SEARCHES[i % SEARCHES.length]!) },
        {
          name: "bare IPC round trip (host's share)",
          perBlock: 20,
          run: async () => {
            const listed = (await page.evaluate('window.nagare.history.list({ limit: 50 })')) as { ok: boolean };
            if (!listed.ok) throw new Error('history.list failed');
          },
        },
      ];
      const results: KindResult[] = [];
      for (const kind of kinds) results.push(await runKind(page, cdp, kind, home));
      await home();
      return report(results, first, await sample(cdp), started);
    },
    seed,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await runMemoryBench());
}
