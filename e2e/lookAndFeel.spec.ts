/**
 * The window as a person compares it with other chat apps: icon actions reachable from the keyboard,
 * the sidebar grouped by recency, the model picked in the header, the header whole at small sizes, wide
 * tables scrolling inside the reply, errors said in Japanese. Screenshots in both themes and languages.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { openHistoryDatabase } from '../src-main/history/database';
import { HistoryRepository } from '../src-main/history/HistoryRepository';
import type { LaunchedApp, LaunchOptions } from './fixtures/launchApp';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, sendMessage, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = 'sk-e2e-look-0123456789abcdef';
const DAY = 24 * 3600 * 1000;
const WIDE_TABLE = [
  `| ${Array.from({ length: 30 }, (_, index) => `Column ${index}`).join(' | ')} |`,
  `| ${Array.from({ length: 30 }, () => '---').join(' | ')} |`,
  `| ${Array.from({ length: 30 }, (_, index) => `value-${index}`).join(' | ')} |`,
].join('\n');

let mock: MockServer;
test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

/** Conversations last touched today, yesterday, three days ago and in two earlier months. */
function seedHistory(userDataDir: string): { todayId: string } {
  mkdirSync(userDataDir, { recursive: true });
  const { db } = openHistoryDatabase({ directory: userDataDir, now: Date.now });
  try {
    const now = Date.now();
    const ages = [
      ['Trip to Kyoto 京都旅行 with a title long enough to be cut off in the sidebar', 0],
      ['昨日の会話', 1],
      ['Refactoring plan', 3],
      ['Quarterly numbers', 45],
      ['古いメモ', 80],
    ] as const;
    let todayId = '';
    for (const [title, age] of [...ages].reverse()) {
      let clock = now - age * DAY - 60_000;
      const repository = new HistoryRepository(db, () => (clock += 1_000), randomUUID);
      const conversation = repository.createConversation({ title });
      const user = repository.addUserMessage(conversation.id, null, 'Show me a wide table, please. 表をください。');
      const reply = repository.beginAssistantMessage(conversation.id, user.id, 'mock-gpt');
      repository.finishMessage(reply.id, {
        status: 'complete',
        content: `Here it is:\n\n${WIDE_TABLE}\n\n\`\`\`ts\n// a comment\nconst answer = 42;\n\`\`\``,
      });
      repository.configure({ conversationId: conversation.id, model: 'mock-gpt' });
      if (age === 0) todayId = conversation.id;
    }
    return { todayId };
  } finally {
    db.close();
  }
}

/** Both themes in both languages: every screenshot is taken in each. */
const LOOKS = [
  { theme: 'light', language: 'en' },
  { theme: 'dark', language: 'en' },
  { theme: 'light', language: 'ja' },
  { theme: 'dark', language: 'ja' },
] as const;
type Look = (typeof LOOKS)[number];

/** The app with seeded history in `look`, at a common laptop size. */
async function launchInLook(launch: (options: LaunchOptions) => Promise<LaunchedApp>, look: Look) {
  const userDataDir = seedMockProvider(mock.url);
  const { todayId } = seedHistory(userDataDir);
  const path = join(userDataDir, 'settings.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...look }));
  const { page } = await launch({ userDataDir, locale: look.language === 'ja' ? 'ja-JP' : 'en-US' });
  await page.setViewportSize({ width: 1100, height: 720 });
  return { page, todayId };
}

async function openConversation(page: Page, id: string): Promise<void> {
  await page.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`).click();
  await expect(page.locator('[data-testid="message"][data-role="assistant"]')).toHaveCount(1);
}

test('message actions are icon buttons reached by Tab, named, and shown while focused', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  const { todayId } = seedHistory(userDataDir);
  const { page } = await launch({ userDataDir });
  await openConversation(page, todayId);

  const user = page.locator('[data-testid="message"][data-role="user"]');
  const actions = user.getByTestId('message-actions');
  await expect(actions).toHaveCSS('opacity', '0');
  // Start from the message's own text, as a keyboard user who clicked into it would.
  await user.getByTestId('message-text').click();
  await page.mouse.move(0, 0);
  const names: string[] = [];
  for (let step = 0; step < 3; step++) {
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    names.push((await focused.getAttribute('aria-label')) ?? '');
    await expect(focused).toHaveAttribute('title', new RegExp(`^${names.at(-1)!}`));
  }
  expect(names).toEqual(['Copy', 'Edit', 'Delete']);
  await expect(actions).toHaveCSS('opacity', '1');
  await expect(actions).toHaveAttribute('role', 'toolbar');

  // The reply's actions, by their names; the last message keeps them in view.
  const reply = page.locator('[data-testid="message"][data-role="assistant"]');
  for (const name of ['Copy', 'Regenerate', 'Inspect', 'Delete']) {
    await expect(reply.getByTestId('message-actions').getByRole('button', { name, exact: true })).toBeVisible();
  }
  await expect(reply.getByTestId('message-actions')).toHaveCSS('opacity', '1');
});

test('the sidebar groups conversations by recency with short relative times', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  seedHistory(userDataDir);
  const { page } = await launch({ userDataDir });
  const list = page.getByTestId('conversation-list');
  const headings = list.locator('.heading');
  await expect(headings.first()).toHaveText('Today');
  const labels = await headings.allTextContents();
  expect(labels.slice(0, 3).map((label) => label.trim())).toEqual(['Today', 'Yesterday', 'Previous 7 days']);
  // Older conversations are under their month, named in full ("October 2026").
  expect(labels.slice(3).every((label) => /^[A-Z][a-z]+ \d{4}$/.test(label.trim()))).toBe(true);
  expect(labels.length).toBeGreaterThanOrEqual(4);
  // Relative times instead of a full date and time on every row; the full date and a cut title as tooltips.
  const first = page.getByTestId('conversation-item').first();
  await expect(first.locator('time')).toHaveText(/ago|now/);
  await expect(first.locator('time')).toHaveAttribute('title', /\d/);
  await expect(first.locator('.title')).toHaveAttribute('title', /Trip to Kyoto/);
});

test('the model is picked in the conversation header', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  const providers = JSON.parse(readFileSync(join(userDataDir, 'providers.json'), 'utf8'));
  providers.providers[0].models = ['mock-gpt', 'mock-mini'];
  writeFileSync(join(userDataDir, 'providers.json'), JSON.stringify(providers));
  const { page } = await launch({ userDataDir });
  await setKey(page, KEY);
  await sendMessage(page, 'Hello [[mock:tokens=3]]');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]')).toHaveAttribute(
    'data-status',
    'complete',
  );
  const picker = page.getByRole('combobox', { name: 'Model' });
  await expect(picker.locator('option:checked')).toHaveText('mock-gpt');
  await picker.focus();
  await picker.selectOption({ label: 'mock-mini' });
  await expect(picker.locator('option:checked')).toHaveText('mock-mini');
  await sendMessage(page, 'Again [[mock:tokens=3]]');
  await expect.poll(() => (mock.requests.at(-1)?.json as { model?: string } | undefined)?.model).toBe('mock-mini');
});

for (const size of [
  { width: 640, height: 420, overflows: true },
  { width: 760, height: 600, overflows: true },
  { width: 1100, height: 720, overflows: false },
]) {
  test(`at ${size.width}×${size.height} every header control is inside the window, the rest in its More menu`, async ({
    launch,
  }) => {
    const userDataDir = seedMockProvider(mock.url);
    const { todayId } = seedHistory(userDataDir);
    const { page } = await launch({ userDataDir });
    await page.setViewportSize(size);
    await openConversation(page, todayId);
    const header = page.locator('main header').first();
    const more = header.getByRole('button', { name: 'More conversation actions' });
    await expect(more).toHaveCount(size.overflows ? 1 : 0);
    const controls = header.locator('button, select, h1');
    const count = await controls.count();
    expect(count).toBeGreaterThanOrEqual(size.overflows ? 4 : 7);
    for (let index = 0; index < count; index++) {
      const box = await controls.nth(index).boundingBox();
      expect(box, `control ${index}`).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(size.width);
      expect(box!.width).toBeGreaterThan(20);
    }
    // The title keeps some of its words, however narrow the window.
    expect((await header.locator('h1').boundingBox())!.width).toBeGreaterThan(60);
    if (!size.overflows) {
      const actions = header.getByRole('group', { name: 'Conversation actions' });
      for (const name of ['Pin', 'Rename', 'Export', 'Delete']) {
        await expect(actions.getByRole('button', { name, exact: true })).toBeVisible();
      }
      return;
    }

    // The actions that moved are reached by keyboard: Tab to More, Enter, the arrows, Esc back to More.
    await header.getByTestId('sidebar-toggle').focus();
    for (let step = 0; step < 6 && !(await more.evaluate((button) => button === document.activeElement)); step++) {
      await page.keyboard.press('Tab');
    }
    await expect(more).toBeFocused();
    await page.keyboard.press('Enter');
    const menu = page.getByRole('menu', { name: 'More conversation actions' });
    await expect(menu.getByRole('menuitem')).toHaveText([
      /^Pin/,
      'Rename',
      /^Export as Markdown/,
      /^Export as JSON/,
      'Delete',
    ]);
    for (const item of await menu.getByRole('menuitem').all()) {
      const box = (await item.boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(size.width);
      expect(box.y + box.height).toBeLessThanOrEqual(size.height);
    }
    await expect(menu.getByRole('menuitem').first()).toBeFocused();
    await expect(more).toHaveAttribute('aria-expanded', 'true');
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();
    await expect(more).toBeFocused();
    await expect(more).toHaveAttribute('aria-expanded', 'false');

    // Pin from the menu, by keys: the sidebar shows it pinned, and the menu then offers Unpin.
    await page.keyboard.press('ArrowDown');
    await expect(menu.getByRole('menuitem').first()).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('conversation-item').first().getByLabel('Pinned', { exact: true })).toBeVisible();
    await expect(more).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(menu.getByRole('menuitem').first()).toHaveText(/^Unpin/);
    await page.keyboard.press('Escape');
  });
}

test('a 30-column table scrolls sideways inside the reply without breaking words', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  const { todayId } = seedHistory(userDataDir);
  const { page } = await launch({ userDataDir });
  await page.setViewportSize({ width: 1000, height: 700 });
  await openConversation(page, todayId);
  const table = page.locator('[data-testid="message"][data-role="assistant"] table');
  const measured = await table.evaluate((element) => {
    // The table is its own scroll box (display: block), so it never widens the reply.
    const scroller = element;
    const reply = element.closest('[data-testid="message-text"]')!;
    const cell = element.querySelector('th')!;
    const range = document.createRange();
    range.selectNodeContents(cell);
    return {
      scrolls: scroller.scrollWidth > scroller.clientWidth,
      overflowX: getComputedStyle(scroller).overflowX,
      insideReply: scroller.getBoundingClientRect().right <= reply.getBoundingClientRect().right + 1,
      lines: range.getClientRects().length,
    };
  });
  expect(measured).toEqual({ scrolls: true, overflowX: 'auto', insideReply: true, lines: 1 });
});

for (const look of LOOKS) {
  test(`the main screen and an error, in ${look.theme} and ${look.language}`, async ({ launch }, testInfo) => {
    const { page, todayId } = await launchInLook(launch, look);
    await setKey(page, KEY);
    await openConversation(page, todayId);
    await sendMessage(page, 'Once more [[mock:fault=429 retryAfter=5]]');
    const notice = page.getByTestId('error-notice');
    await expect(notice).toHaveAttribute('data-code', 'rate_limited');
    if (look.language === 'ja') {
      // The sentence is Japanese; only the server's own words, quoted, may be English.
      const said = (await notice.getByTestId('server-said').textContent()) ?? '';
      const rest = ((await notice.textContent()) ?? '').replace(said, '');
      expect(rest).not.toMatch(/[A-Za-z]{2,}[\s,.]+[A-Za-z]{2,}/);
      expect(rest).toContain('レート制限');
    }
    await expect(notice).not.toContainText('rate_limited');
    const name = `main-${look.theme}-${look.language}.png`;
    await page.screenshot({ path: testInfo.outputPath(name) });
    // A copy for a reviewer, where they ask for it.
    const shots = process.env.NAGARE_SCREENSHOT_DIR;
    if (shots) await page.screenshot({ path: join(shots, name) });
  });
}

for (const look of LOOKS) {
  test(`the sidebar row's actions and menu, and the header's More menu at 640 px, in ${look.theme} and ${look.language}`, async ({
    launch,
  }, testInfo) => {
    const { page, todayId } = await launchInLook(launch, look);
    await openConversation(page, todayId);
    const shots = process.env.NAGARE_SCREENSHOT_DIR;
    const shoot = async (name: string) => {
      await page.screenshot({ path: testInfo.outputPath(name) });
      if (shots) await page.screenshot({ path: join(shots, name) });
    };

    // A hovered row shows its icons; a right-click opens its menu, whole, in the window.
    const rows = page.getByTestId('conversation-item');
    await rows.nth(2).hover();
    await expect(rows.nth(2).getByTestId('row-delete')).toBeVisible();
    await rows.nth(3).click({ button: 'right', position: { x: 40, y: 10 } });
    const menu = page.getByTestId('conversation-menu');
    await expect(menu.getByRole('menuitem')).toHaveCount(5);
    await expect(menu).toHaveAttribute('role', 'menu');
    // Another row hovered above the open menu, to see both at once.
    await rows.nth(1).hover();
    await shoot(`sidebar-menu-${look.theme}-${look.language}.png`);
    await page.keyboard.press('Escape');
    await expect(menu).toBeHidden();

    // At 640 px the conversation's actions are in the header's More menu.
    await page.setViewportSize({ width: 640, height: 420 });
    const more = page.getByTestId('conversation-more');
    await more.click();
    await expect(page.getByTestId('conversation-more-menu').getByRole('menuitem')).toHaveCount(5);
    await shoot(`header-more-640-${look.theme}-${look.language}.png`);
  });
}

test('the sidebar folds away by button and by key, and stays folded after a restart', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  seedHistory(userDataDir);
  const first = await launch({ userDataDir });
  const sidebar = first.page.getByRole('navigation', { name: 'Conversations and search' });
  const toggle = first.page.getByRole('button', { name: 'Show or hide the sidebar' });
  await expect(sidebar).toBeVisible();
  await toggle.click();
  await expect(sidebar).toBeHidden();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await first.page.keyboard.press(`${process.platform === 'darwin' ? 'Meta' : 'Control'}+KeyB`);
  await expect(sidebar).toBeVisible();
  await toggle.click();
  await expect(sidebar).toBeHidden();
  // The fold is saved by main a moment after the window shows it; a restart reads what was saved.
  const savedFold = () => JSON.parse(readFileSync(join(userDataDir, 'settings.json'), 'utf8')).sidebarCollapsed;
  await expect.poll(savedFold).toBe(true);
  await first.close();

  const second = await launch({ userDataDir });
  await expect(second.page.getByTestId('sidebar-toggle')).toHaveAttribute('aria-expanded', 'false');
  await expect(second.page.getByRole('navigation', { name: 'Conversations and search' })).toBeHidden();
});

test('copying a code block is shown and announced', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  const { todayId } = seedHistory(userDataDir);
  const { page } = await launch({ userDataDir });
  await openConversation(page, todayId);
  await page.locator('.md-code').getByRole('button', { name: 'Copy' }).click();
  // The toast area is a polite live region: what appears in it is read out.
  const region = page.getByRole('status').filter({ has: page.getByTestId('toast') });
  await expect(region).toHaveAttribute('aria-live', 'polite');
  await expect(region.getByTestId('toast')).toContainText('Code block copied');
});

test('a field error reads in the danger colour where its hint was, and every Settings tab has the same heading', async ({
  launch,
}) => {
  const { page } = await launch({ userDataDir: seedMockProvider(mock.url) });
  await page.keyboard.press('Control+Comma');
  await page.getByTestId('settings-tab-defaults').click();
  const temperature = page.getByTestId('default-temperature');
  const hint = page.locator(`#${await temperature.getAttribute('aria-describedby')}`);
  const hintColour = await hint.evaluate((element) => getComputedStyle(element).color);
  await temperature.fill('5');
  await temperature.press('Tab');
  await expect(temperature).toHaveAttribute('aria-invalid', 'true');
  await expect(hint).toContainText('0');
  const danger = await page.evaluate(() => {
    const probe = document.createElement('span');
    probe.style.color = 'var(--danger)';
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  });
  expect(await hint.evaluate((element) => getComputedStyle(element).color)).toBe(danger);
  expect(danger).not.toBe(hintColour);

  // The Tools tab's heading is set like the others', not as a bare h3.
  const headingSize = async (tab: string) => {
    await page.getByTestId(`settings-tab-${tab}`).click();
    return page
      .getByTestId('settings-dialog')
      .locator('h3.section-title')
      .first()
      .evaluate((element) => getComputedStyle(element).fontSize);
  };
  expect(await headingSize('tools')).toBe(await headingSize('defaults'));
});
