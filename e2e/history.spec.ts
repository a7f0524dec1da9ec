import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, sendMessage, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = `sk-e2e-history-${Date.now().toString(36)}`;
let mock: MockServer;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

const words = (text: string) => text.split(/\s+/).filter(Boolean);

test('a reply cut off by a crash is kept, marked interrupted, and Continue finishes it', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  const first = await launch({ userDataDir });
  await setKey(first.page, KEY);
  const story = Array.from({ length: 300 }, (_, index) => `part${index}`).join(' ');
  await sendMessage(first.page, `Write a lot [[mock:text=${encodeURIComponent(story)} rate=40]]`);

  const reply = first.page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  // Let a few flushes happen (every 300 ms), then crash without warning.
  await expect
    .poll(async () => words((await reply.getByTestId('message-text').textContent()) ?? '').length)
    .toBeGreaterThan(30);
  const shownBeforeCrash = words((await reply.getByTestId('message-text').textContent()) ?? '');
  await first.kill();

  const second = await launch({ userDataDir });
  const { page } = second;
  await expect(page.getByTestId('conversation-item')).toHaveCount(1);
  await page.getByTestId('conversation-item').click();
  const interrupted = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(interrupted).toHaveAttribute('data-status', 'interrupted');
  const kept = words((await interrupted.getByTestId('message-text').textContent()) ?? '');
  // At most the last flush interval is lost: what was kept is what was on screen, give or take 300 ms of tokens.
  expect(kept.length).toBeGreaterThan(0);
  expect(kept).toEqual(words(story).slice(0, kept.length));
  expect(shownBeforeCrash.length - kept.length).toBeLessThanOrEqual(40 * 0.3 + 6);

  const notice = interrupted.getByTestId('error-notice');
  await expect(notice).toHaveAttribute('data-code', 'interrupted');
  await notice.getByTestId('continue-reply').click();
  await expect(interrupted).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });
  const finished = words((await interrupted.getByTestId('message-text').textContent()) ?? '').join(' ');
  // The continuation is appended to the same message, right after the kept text.
  expect(finished.startsWith(kept.join(' '))).toBe(true);
  expect(finished.length).toBeGreaterThan(kept.join(' ').length);

  // The model was sent the partial reply and asked to go on.
  const body = JSON.parse(mock.requests.at(-1)?.body ?? '{}') as { messages: Array<{ role: string; content: string }> };
  expect(body.messages.at(-2)?.role).toBe('assistant');
  expect(words(body.messages.at(-2)?.content ?? '')).toEqual(kept);
  expect(body.messages.at(-1)?.role).toBe('user');
});

test('search finds English words and Japanese substrings, highlights them, and opens the hit', async ({ launch }) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);

  await sendMessage(page, 'The quick brown fox jumps [[mock:tokens=5 rate=500]]');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toHaveAttribute(
    'data-status',
    'complete',
  );
  await page.keyboard.press('Control+n');
  await sendMessage(page, 'これは日本語の文章です。検索できますか [[mock:tokens=5 rate=500]]');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toHaveAttribute(
    'data-status',
    'complete',
  );
  await page.keyboard.press('Control+n');
  await expect(page.getByTestId('empty-state')).toBeVisible();

  await page.keyboard.press('Control+f');
  await expect(page.getByTestId('history-search')).toBeFocused();

  for (const [query, expected] of [
    ['日本語', '日本語'],
    ['日本', '日本'],
    ['brown', 'brown'],
  ] as const) {
    await page.getByTestId('history-search').fill(query);
    const hits = page.getByTestId('search-hit');
    await expect(hits).toHaveCount(1);
    await expect(hits.first().locator('mark')).toHaveText(expected);
  }

  await page.getByTestId('history-search').fill('日本語');
  await expect(page.getByTestId('search-hit').locator('mark')).toHaveText('日本語');
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('search-hit').first()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('conversation-title')).toContainText('日本語の文章');
  await expect(page.locator('[data-testid="message"][data-role="user"]').first()).toContainText('日本語の文章です');
});

test('a damaged database is moved aside, kept, reported, and a fresh one works', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  writeFileSync(join(userDataDir, 'nagare.db'), 'this is not a SQLite database, it was damaged by a disk error');
  const app = await launch({ userDataDir });
  const { page } = app;

  const toast = page.getByTestId('toast').filter({ hasText: 'nagare.db.corrupt-' });
  await expect(toast).toBeVisible();
  const kept = readdirSync(userDataDir).filter((name) => name.startsWith('nagare.db.corrupt-'));
  expect(kept).toHaveLength(1);
  expect(readFileSync(join(userDataDir, kept[0]!), 'utf8')).toContain('damaged by a disk error');

  await setKey(page, KEY);
  await sendMessage(page, 'Still works [[mock:tokens=5 rate=300]]');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toHaveAttribute(
    'data-status',
    'complete',
  );
  await expect(page.getByTestId('conversation-item')).toHaveCount(1);
});
