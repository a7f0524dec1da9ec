/**
 * A long conversation in the virtualized message list: it opens at the newest
 * message, and reading upwards never moves the text under the reader's eyes,
 * whether rows above are measured for the first time, typeset late (KaTeX),
 * grow for another reason, or an older page is loaded above them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider } from './fixtures/seed';
import { seedLongConversation, type SeededConversation } from './fixtures/seedHistory';
import { expect, test } from './fixtures/test';

let mock: MockServer;
test.beforeEach(async () => {
  mock = await startMockServer();
});
test.afterEach(async () => {
  await mock.close();
});

/** Two pages of history: the window opens the newest 200 messages and loads the rest when the reader gets near the top. */
const MESSAGES = 400;

async function openSeeded(page: Page, conversation: SeededConversation): Promise<void> {
  await page.locator(`[data-testid="conversation-item"][data-conversation-id="${conversation.id}"]`).click();
  await expect(page.locator(`[data-message-id="${conversation.messageIds.at(-1)}"]`)).toBeInViewport();
}

/** Waits for `count` animation frames in the page: long enough for rows to render, be measured and be corrected. */
async function frames(page: Page, count = 3): Promise<void> {
  await page.evaluate(
    (left) =>
      new Promise<void>((resolve) => {
        const step = () => (--left <= 0 ? resolve() : requestAnimationFrame(step));
        requestAnimationFrame(step);
      }),
    count,
  );
}

interface Anchor {
  id: string;
  top: number;
}

/** The message at the top edge of the message list, and where its top is on screen. */
async function rowAtTop(page: Page): Promise<Anchor> {
  const anchor = await page.evaluate(() => {
    const scroller = document.querySelector('[data-testid="message-scroll"]')!;
    const edge = scroller.getBoundingClientRect().top;
    for (const row of scroller.querySelectorAll<HTMLElement>('[data-testid="message"]')) {
      const box = row.getBoundingClientRect();
      if (box.bottom > edge + 1) return { id: row.dataset.messageId!, top: box.top };
    }
    return null;
  });
  if (!anchor) throw new Error('no message on screen');
  return anchor;
}

async function topOf(page: Page, messageId: string): Promise<number | null> {
  return page.evaluate(
    (id) => document.querySelector(`[data-message-id="${CSS.escape(id)}"]`)?.getBoundingClientRect().top ?? null,
    messageId,
  );
}

/**
 * Scrolls the list up by `distance` pixels at once, as dragging the scroll bar
 * does, and answers how far the scroll position really moved (less at the top).
 */
async function scrollUpBy(page: Page, distance: number): Promise<number> {
  return page.evaluate((by) => {
    const scroller = document.querySelector<HTMLElement>('[data-testid="message-scroll"]')!;
    const from = scroller.scrollTop;
    scroller.scrollTop = Math.max(0, from - by);
    return from - scroller.scrollTop;
  }, distance);
}

/**
 * In one animation frame, scrolls the list up by `distance` and makes the nearest rendered row wholly
 * above the viewport 200 px taller at its end, as content typeset late does. The scroll goes further
 * when `distance` would leave that row's end above the viewport (a tall row spans the fold): the row
 * must come into view with the scroll; `endInView` puts its end exactly that many pixels into view.
 * Answers how far the scroll moved, and that row with where its top was just before.
 */
async function scrollUpWhileARowAboveGrows(
  page: Page,
  distance: number,
  endInView = 40,
): Promise<{ scrolled: number; grown: Anchor | null }> {
  return page.evaluate(
    ([by, margin]) =>
      new Promise((resolve) => {
        requestAnimationFrame(() => {
          const scroller = document.querySelector<HTMLElement>('[data-testid="message-scroll"]')!;
          const edge = scroller.getBoundingClientRect().top;
          const above = [...scroller.querySelectorAll<HTMLElement>('[data-testid="message"]')]
            .filter((row) => row.getBoundingClientRect().bottom < edge - 10)
            .at(-1);
          const top = above?.getBoundingClientRect().top ?? 0;
          const intoView = above ? edge - above.getBoundingClientRect().bottom + margin : 0;
          const from = scroller.scrollTop;
          scroller.scrollTop = Math.max(0, from - Math.max(by, intoView));
          if (above) {
            const late = document.createElement('div');
            late.style.height = '200px';
            late.dataset.testid = 'late-content';
            above.append(late);
          }
          resolve({ scrolled: from - scroller.scrollTop, grown: above ? { id: above.dataset.messageId!, top } : null });
        });
      }),
    [distance, endInView] as const,
  );
}

test('reading up a long conversation: rows measured, typeset or loaded above never move the text being read', async ({
  launch,
}) => {
  const userDataDir = seedMockProvider(mock.url);
  const conversation = seedLongConversation(userDataDir, MESSAGES);
  const app = await launch({ userDataDir });
  const { page } = app;
  await openSeeded(page, conversation);
  // Only a window's worth of messages is in the page, not 200.
  expect(await page.getByTestId('message').count()).toBeLessThan(30);

  // 1. Step up through the newest page. Every step renders rows never measured before (estimated at
  //    160 px, really 60 to 900), some of which typeset display math after they appear.
  const step = Math.round((await page.getByTestId('message-scroll').evaluate((e) => e.clientHeight)) * 0.8);
  expect(await stepUp(page, step, 25)).toEqual([]);
  // Display math above was typeset on the way (KaTeX loads lazily, after its row was measured).
  await expect(page.locator('.katex-display').first()).toBeAttached();

  // 2. A row above the viewport grows (late content): the text being read stays where it is.
  const anchor = await rowAtTop(page);
  const grown = await page.evaluate((anchorId) => {
    const rows = [...document.querySelectorAll<HTMLElement>('[data-testid="message"]')];
    const above = rows[rows.findIndex((row) => row.dataset.messageId === anchorId) - 1];
    if (!above) return null;
    const late = document.createElement('div');
    late.style.height = '300px';
    late.dataset.testid = 'late-content';
    above.append(late);
    return above.dataset.messageId!;
  }, anchor.id);
  expect(grown, 'a rendered row above the one being read').not.toBeNull();
  await frames(page);
  expect(Math.abs((await topOf(page, anchor.id))! - anchor.top)).toBeLessThan(2);

  // 3. The reader scrolls up and, in the same frame, a row above the viewport grows (a code block
  //    highlighted, math typeset) and comes into view with the scroll. The list learns of the scroll
  //    only at the next frame's scroll event: correcting the growth from the position it knew would
  //    undo the reader's scroll.
  for (let attempt = 0; attempt < 5; attempt++) {
    // The last attempt brings only the row's last few pixels into view: less than the list's top padding.
    const { scrolled, grown } = await (attempt === 4
      ? scrollUpWhileARowAboveGrows(page, 0, 6)
      : scrollUpWhileARowAboveGrows(page, step));
    expect(grown, 'a rendered row above the viewport').not.toBeNull();
    await frames(page);
    // The row grew at its end, so its top is where the scroll alone put it.
    const jump = Math.abs((await topOf(page, grown!.id))! - (grown!.top + scrolled));
    expect(jump, `attempt ${attempt}: the text moved ${jump.toFixed(1)} px against the scroll`).toBeLessThan(2);
  }

  // 4. Go on up to the oldest message: near the top of the newest page the older 200 are loaded
  //    above the reader, while the steps go on, and nothing moves then either.
  const oldest = conversation.messageIds[0]!;
  const atTheTop = async () =>
    (await page.getByTestId('message-scroll').evaluate((e) => e.scrollTop === 0)) &&
    (await page.locator(`[data-message-id="${oldest}"]`).isVisible());
  expect(await stepUp(page, step, 400, atTheTop)).toEqual([]);
  await expect(page.locator(`[data-message-id="${oldest}"]`)).toBeInViewport();
});

/**
 * Scrolls up `step` pixels at a time, at most `most` times or until `done`, and answers the steps
 * where the message that was at the top did not move by exactly the distance scrolled, as
 * `step N: M px`. Rows have fractional heights and the scroll position is rounded: under 2 px of
 * that is not a jump.
 */
async function stepUp(page: Page, step: number, most: number, done = async () => false): Promise<string[]> {
  const jumps: string[] = [];
  for (let index = 0; index < most && !(await done()); index++) {
    const anchor = await rowAtTop(page);
    const scrolled = await scrollUpBy(page, step);
    await frames(page);
    const top = await topOf(page, anchor.id);
    expect(top, `message ${anchor.id} left the page after step ${index}`).not.toBeNull();
    const jump = Math.abs(top! - (anchor.top + scrolled));
    if (jump >= 2) jumps.push(`step ${index}: ${jump.toFixed(1)} px`);
  }
  return jumps;
}

for (const look of [
  { theme: 'light', language: 'en' },
  { theme: 'dark', language: 'ja' },
] as const) {
  test(`a long conversation scrolled to its middle (${look.theme}, ${look.language})`, async ({ launch }, testInfo) => {
    const userDataDir = seedMockProvider(mock.url);
    writeFileSync(join(userDataDir, 'settings.json'), JSON.stringify(look));
    const conversation = seedLongConversation(userDataDir, MESSAGES, '長い会話 — virtual list');
    const { page } = await launch({ userDataDir, locale: look.language === 'ja' ? 'ja-JP' : 'en-US' });
    await openSeeded(page, conversation);
    const middle = conversation.messageIds.at(-40)!;
    // Mouse-wheel up until that message is on screen, as a reader would.
    const onScreen = () =>
      page.evaluate((id) => {
        const row = document.querySelector(`[data-message-id="${CSS.escape(id)}"]`);
        const view = document.querySelector('[data-testid="message-scroll"]')!.getBoundingClientRect();
        const box = row?.getBoundingClientRect();
        return !!box && box.top >= view.top && box.top < view.bottom - 100;
      }, middle);
    await page.getByTestId('message-scroll').hover();
    for (let turn = 0; turn < 300 && !(await onScreen()); turn++) {
      await page.mouse.wheel(0, -300);
      await frames(page, 2);
    }
    await expect(page.locator(`[data-message-id="${middle}"]`)).toBeInViewport();
    await expect(page.getByTestId('jump-to-latest')).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath(`long-conversation-${look.theme}-${look.language}.png`) });
  });
}
