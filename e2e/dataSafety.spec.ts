import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'libsql';
import type { Page } from '@playwright/test';
import { damageTable } from '../src-main/history/testSupport';
import type { LaunchedApp } from './fixtures/launchApp';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, sendMessage, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = `sk-e2e-data-safety-${Date.now().toString(36)}`;
let mock: MockServer;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

const words = (text: string) => text.split(/\s+/).filter(Boolean);
const lastReply = (page: Page) => page.locator('[data-testid="message"][data-role="assistant"]').last();

/** Starts a new conversation with Mod+N and has one finished exchange in it. */
async function converse(page: Page, text: string): Promise<void> {
  await page.keyboard.press('Control+n');
  await sendMessage(page, `${text} [[mock:tokens=30 rate=600]]`);
  await expect(lastReply(page)).toHaveAttribute('data-status', 'complete');
}

test('killed about 100 ms into a slow reply, the first tokens on screen are kept', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  const first = await launch({ userDataDir });
  await setKey(first.page, KEY);
  const story = Array.from({ length: 50 }, (_, index) => `tok${index}`).join(' ');
  // Four tokens a second: the first arrives at once, the next a quarter of a second later.
  await sendMessage(first.page, `Slowly [[mock:text=${encodeURIComponent(story)} rate=4]]`);
  const reply = lastReply(first.page);
  await expect(reply.getByTestId('message-text')).toContainText('tok0');
  const shown = words((await reply.getByTestId('message-text').textContent()) ?? '');
  await first.kill();

  const second = await launch({ userDataDir });
  await second.page.getByTestId('conversation-item').click();
  const interrupted = lastReply(second.page);
  await expect(interrupted).toHaveAttribute('data-status', 'interrupted');
  const kept = words((await interrupted.getByTestId('message-text').textContent()) ?? '');
  expect(kept[0]).toBe('tok0');
  expect(kept).toEqual(words(story).slice(0, kept.length));
  expect(kept.length).toBeLessThanOrEqual(shown.length);
});

test('after a clean quit nagare.db alone, without its -wal and -shm, opens with every conversation', async ({
  launch,
}) => {
  const userDataDir = seedMockProvider(mock.url);
  const app = await launch({ userDataDir });
  await setKey(app.page, KEY);
  const titles = ['First 最初の会話', 'Second 二番目 🌊', 'Third'];
  for (const title of titles) await converse(app.page, title);
  await expect(app.page.getByTestId('conversation-item')).toHaveCount(titles.length);
  await app.close();

  // What a user who backs up or syncs only the file the README names would have.
  for (const side of ['nagare.db-wal', 'nagare.db-shm']) rmSync(join(userDataDir, side), { force: true });
  const again = await launch({ userDataDir });
  const items = again.page.getByTestId('conversation-item');
  await expect(items).toHaveCount(titles.length);
  for (const title of titles) await expect(items.filter({ hasText: title.split(' ')[0]! })).toHaveCount(1);
  await items.filter({ hasText: 'Second' }).click();
  await expect(lastReply(again.page)).toHaveAttribute('data-status', 'complete');
});

test('Back up now in Data settings writes a complete copy while the app runs, and the app goes on', async ({
  launch,
}) => {
  const userDataDir = seedMockProvider(mock.url);
  const app = await launch({ userDataDir });
  const { page } = app;
  await setKey(page, KEY);
  await converse(page, 'Backed up 保存');
  await converse(page, 'Also backed up');

  await page.keyboard.press('Control+Comma');
  await page.getByRole('tab', { name: 'Data' }).click();
  const target = join(userDataDir, 'my backup.db');
  app.answerNextDialog('save', target);
  await page.getByTestId('backup-now').click();
  await expect(page.getByTestId('backup-result')).toHaveText(`Backed up to ${target}`);

  const copy = new Database(target, { readonly: true });
  try {
    const titles = (copy.prepare('SELECT title FROM conversations ORDER BY title').all() as Array<{ title: string }>)
      .map((row) => row.title)
      .join('\n');
    expect(titles).toContain('Also backed up');
    expect(titles).toContain('Backed up 保存');
    expect((copy.prepare('SELECT count(*) AS n FROM messages').get() as { n: number }).n).toBe(4);
  } finally {
    copy.close();
  }

  await page.keyboard.press('Escape');
  await converse(page, 'After the backup');
  await expect(page.getByTestId('conversation-item')).toHaveCount(3);
});

test('a damaged write-ahead log is noticed at start-up, kept aside and reported', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  const first = await launch({ userDataDir });
  await setKey(first.page, KEY);
  for (let index = 0; index < 6; index++) await converse(first.page, `Conversation ${index}`);
  // A crash leaves the history in the log.
  await first.kill();

  const wal = join(userDataDir, 'nagare.db-wal');
  const bytes = readFileSync(wal);
  expect(bytes.length).toBeGreaterThan(40_000);
  // 4 KB of damage in the page of a frame a third of the way in.
  const pageSize = bytes.readUInt32BE(8);
  const frames = Math.floor((bytes.length - 32) / (24 + pageSize));
  const at = 32 + Math.floor(frames / 3) * (24 + pageSize) + 24;
  bytes.fill(0x5a, at, at + 4096);
  writeFileSync(wal, bytes);

  const second = await launch({ userDataDir });
  const toast = second.page.getByTestId('toast').filter({ hasText: 'nagare.db-wal.damaged-' });
  await expect(toast).toBeVisible();
  await expect(toast).toContainText('could not be recovered');
  const kept = readdirSync(userDataDir).filter((name) => name.startsWith('nagare.db-wal.damaged-'));
  expect(kept).toHaveLength(1);
  expect(readFileSync(join(userDataDir, kept[0]!)).equals(bytes)).toBe(true);
  // The app still works on what could be recovered.
  await converse(second.page, 'Still works');
  expect(existsSync(join(userDataDir, 'nagare.db'))).toBe(true);
});

/** What main logged about checking the history (or not), in order: each line's message and fields. */
function historyCheckLines(userDataDir: string): Array<Record<string, unknown>> {
  const file = join(userDataDir, 'logs', 'main.log');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { msg: string; fields?: Record<string, unknown> })
    .filter((line) => line.msg === 'History checked' || line.msg === 'History check not needed')
    .map((line) => ({ message: line.msg, ...line.fields }));
}

/** Waits until main has checked the history (or decided not to) `count` times in all, and answers what it logged. */
async function historyChecks(app: LaunchedApp, count = 1): Promise<Array<Record<string, unknown>>> {
  await expect.poll(() => historyCheckLines(app.userDataDir).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(count);
  return historyCheckLines(app.userDataDir);
}

test('after a crash, a history damaged deep inside is found once the window shows: moved aside, kept, reported, and a fresh one works', async ({
  launch,
}) => {
  const userDataDir = seedMockProvider(mock.url);
  const first = await launch({ userDataDir });
  await setKey(first.page, KEY);
  for (let index = 0; index < 3; index++) await converse(first.page, `Before the damage ${index} 壊れる前`);
  // A new profile is checked once; after that, only the crash can make the next start check.
  expect(await historyChecks(first)).toEqual([expect.objectContaining({ reason: 'unknown', status: 'healthy' })]);
  await first.kill();

  // Damage that opening the file never reads: the table of messages.
  const file = join(userDataDir, 'nagare.db');
  damageTable(file, 'messages');
  const damaged = readFileSync(file);

  const second = await launch({ userDataDir });
  const { page } = second;
  const toast = page.getByTestId('toast').filter({ hasText: 'nagare.db.corrupt-' });
  await expect(toast).toBeVisible({ timeout: 20_000 });
  await expect(toast).toContainText('was damaged');
  const check = (await historyChecks(second, 2)).at(-1);
  expect(check).toMatchObject({ reason: 'unclean-shutdown', status: 'damaged' });

  // The window was already showing when the damage was found and the history replaced.
  const records = await second.ipcRecords();
  const shown = records.findIndex((record) => record.type === 'window.show');
  const replaced = records.findIndex((record) => record.type === 'send' && record.channel === 'history.replaced');
  expect(shown).toBeGreaterThanOrEqual(0);
  expect(replaced).toBeGreaterThan(shown);
  expect(records[replaced]!.payload).toMatchObject({
    recoveredDatabasePath: expect.stringContaining('nagare.db.corrupt-'),
  });

  // Kept byte for byte, and nothing of it is left on screen.
  const kept = readdirSync(userDataDir).filter((name) => /^nagare\.db\.corrupt-[^-]+$/.test(name));
  expect(kept).toHaveLength(1);
  expect(readFileSync(join(userDataDir, kept[0]!)).equals(damaged)).toBe(true);
  await expect(page.getByTestId('conversation-item')).toHaveCount(0);

  await converse(page, 'After the damage 壊れた後');
  await expect(page.getByTestId('conversation-item')).toHaveCount(1);
  await second.close();

  // The check finished, and the quit was clean: no check at the next start.
  const third = await launch({ userDataDir });
  await expect(third.page.getByTestId('conversation-item')).toHaveCount(1);
  expect((await historyChecks(third, 3)).at(-1)).toMatchObject({ message: 'History check not needed' });
});

test('after a clean quit the history is not checked at start: the window shows it as it is', async ({ launch }) => {
  const userDataDir = seedMockProvider(mock.url);
  const first = await launch({ userDataDir });
  await setKey(first.page, KEY);
  for (let index = 0; index < 2; index++) await converse(first.page, `Kept ${index}`);
  // A new profile is checked once; let that finish, so the quit is wholly clean.
  expect(await historyChecks(first)).toEqual([expect.objectContaining({ reason: 'unknown', status: 'healthy' })]);
  await first.close();

  damageTable(join(userDataDir, 'nagare.db'), 'messages');
  const second = await launch({ userDataDir });
  await expect(second.page.getByTestId('conversation-item')).toHaveCount(2);
  expect((await historyChecks(second, 2)).at(-1)).toMatchObject({
    message: 'History check not needed',
    reason: 'clean-shutdown',
  });
  expect(readdirSync(userDataDir).filter((name) => name.startsWith('nagare.db.corrupt-'))).toEqual([]);
  await expect(second.page.getByTestId('toast')).toHaveCount(0);
});

test('a reply streaming when the damage is found is stopped, its words kept in the damaged file, and a fresh history goes on', async ({
  launch,
}, testInfo) => {
  const userDataDir = seedMockProvider(mock.url);
  const first = await launch({ userDataDir });
  await setKey(first.page, KEY);
  for (let index = 0; index < 2; index++) await converse(first.page, `Logged ${index}`);
  await historyChecks(first);
  await first.kill();
  // The raw stream logs are damaged; the messages stay readable in the file that will be kept.
  damageTable(join(userDataDir, 'nagare.db'), 'stream_logs');

  // The check waits long enough for a reply to be on its way when it finds the damage.
  const second = await launch({ userDataDir, env: { NAGARE_HEALTH_CHECK_DELAY_MS: '4000' } });
  const { page } = second;
  const story = Array.from({ length: 60 }, (_, index) => `tok${index}`).join(' ');
  await sendMessage(page, `In flight [[mock:text=${encodeURIComponent(story)} rate=4]]`);
  await expect(lastReply(page).getByTestId('message-text')).toContainText('tok1');
  await expect(page.getByTestId('toast').filter({ hasText: 'nagare.db.corrupt-' })).toBeVisible({ timeout: 20_000 });
  expect((await historyChecks(second, 2)).at(-1)).toMatchObject({ reason: 'unclean-shutdown', status: 'damaged' });

  // The reply was stopped before the file was moved: what it had written is in the kept file, ended.
  const [kept] = readdirSync(userDataDir).filter((name) => /^nagare\.db\.corrupt-[^-]+$/.test(name));
  const old = new Database(join(userDataDir, kept!), { readonly: true });
  try {
    const row = old.prepare("SELECT content, status FROM messages WHERE content LIKE 'tok0 %'").get() as
      { content: string; status: string } | undefined;
    expect(row?.status).toBe('cancelled');
    expect(words(row?.content ?? '')).toEqual(words(story).slice(0, words(row?.content ?? '').length));
    expect(words(row?.content ?? '').length).toBeGreaterThanOrEqual(2);
  } finally {
    old.close();
  }
  // Nothing of it in the fresh history, nor on screen; a new conversation works.
  await expect(page.getByTestId('conversation-item')).toHaveCount(0);
  await expect(page.locator('[data-testid="message"]')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('history-replaced.png') });
  await converse(page, 'Fresh');
  await expect(page.getByTestId('conversation-item')).toHaveCount(1);
  const fresh = new Database(join(userDataDir, 'nagare.db'), { readonly: true });
  try {
    expect(
      (fresh.prepare("SELECT count(*) AS n FROM messages WHERE content LIKE 'tok0%'").get() as { n: number }).n,
    ).toBe(0);
  } finally {
    fresh.close();
  }
});
