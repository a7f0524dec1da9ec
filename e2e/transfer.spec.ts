import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { buildChatGptExport, writeChatGptExport } from '../src-main/transfer/fixtures/chatGptExport';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, sendMessage, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = `sk-e2e-transfer-${Date.now().toString(36)}`;
let mock: MockServer;
let files: string;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
  files = mkdtempSync(join(tmpdir(), 'nagare-e2e-files-'));
});
test.afterEach(async () => {
  await mock.close();
  rmSync(files, { recursive: true, force: true });
});

async function openData(page: Page): Promise<void> {
  await page.keyboard.press('Control+Comma');
  await page.getByTestId('settings-tab-data').click();
  await expect(page.getByTestId('import')).toBeVisible();
}

/** How many conversations the window lists, counted in main so paging does not matter. */
async function listedInMain(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const result = await window.nagare.history.list({ limit: 500 });
    return result.ok ? result.value.items.length : -1;
  });
}

test('importing a ChatGPT export from the Data settings shows progress, then the report; the sidebar lists the conversations at once, and a second import adds nothing', async ({
  app,
}, testInfo) => {
  const { page } = app;
  const file = join(files, 'conversations.json');
  const { conversations } = await writeChatGptExport(file, { targetBytes: 12 * 1024 * 1024, seed: 5 });
  await openData(page);

  app.answerNextDialog('open', file);
  await page.getByTestId('import').click();
  const progress = page.getByTestId('transfer-progress');
  await expect(progress).toBeVisible();
  await expect(page.getByTestId('transfer-progress-text')).toContainText(/MB of 12 MB read · [\d,]+ conversations?/);
  await expect(page.getByTestId('transfer-cancel')).toBeEnabled();
  await page.screenshot({ path: testInfo.outputPath('import-progress-light-en.png') });
  // Read to the end, the file is made searchable: said, not a full bar standing still.
  await expect(page.getByTestId('transfer-progress-text')).toContainText(
    /Indexing for search: [\d,]+ of [\d,]+ messages and titles/,
  );

  const added = page.getByTestId('import-added');
  await expect(added).toBeVisible({ timeout: 50_000 });
  const imported = Number(
    /Imported ([\d,]+) conversations/.exec((await added.textContent()) ?? '')?.[1]?.replace(/,/g, ''),
  );
  // Some entries of the fixture are stubs without messages or have looping nodes: named, not imported.
  const skipped = page.getByTestId('import-skipped').locator('li');
  expect(imported + (await skipped.count())).toBe(conversations);
  await expect(skipped.first()).toContainText(
    / — (the export holds no messages for it|its messages loop back on themselves)/,
  );
  await page.screenshot({ path: testInfo.outputPath('import-report-light-en.png') });

  // Without a restart: the sidebar shows what main now lists.
  await page.keyboard.press('Escape');
  await expect.poll(() => listedInMain(page)).toBe(Math.min(imported, 500));
  const newest = await page.evaluate(async () => {
    const result = await window.nagare.history.list({ limit: 2 });
    return result.ok ? result.value.items.map((item) => item.title) : [];
  });
  // The list is virtual: the rows in view are the newest ones.
  await expect(page.getByTestId('conversation-item').nth(0)).toContainText(newest[0]!);
  await expect(page.getByTestId('conversation-item').nth(1)).toContainText(newest[1]!);

  // The same file again: everything is already there.
  await openData(page);
  app.answerNextDialog('open', file);
  await page.getByTestId('import').click();
  await expect(page.getByTestId('import-added')).toHaveText('No new conversations were imported.', { timeout: 50_000 });
  await expect(page.getByTestId('import-present')).toContainText(
    `${imported.toLocaleString('en')} conversations were already here`,
  );
  expect(await listedInMain(page)).toBe(Math.min(imported, 500));
});

test('a reply streams in the window while a large import runs: main keeps answering', async ({ launch }) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);
  const file = join(files, 'conversations.json');
  await writeChatGptExport(file, { targetBytes: 40 * 1024 * 1024, seed: 9 });

  await openData(page);
  app.answerNextDialog('open', file);
  await page.getByTestId('import').click();
  await expect(page.getByTestId('transfer-progress-text')).toContainText('MB of 40 MB read');
  await page.keyboard.press('Escape');

  await sendMessage(page, 'Are you there during the import? [[mock:tokens=60 rate=120]]');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });
  expect(((await reply.getByTestId('message-text').textContent()) ?? '').length).toBeGreaterThan(20);

  // The import was still running when the reply had finished; then it finished too, and told every window.
  await openData(page);
  await expect(page.getByTestId('transfer-progress')).toBeVisible();
  await expect(page.getByTestId('import-added')).toBeVisible({ timeout: 60_000 });
  const records = await app.ipcRecords();
  const replyDone = records.findIndex(
    (record) => record.channel === 'chat.event' && (record.payload as { kind?: string }).kind === 'done',
  );
  const imported = records.findIndex(
    (record) => record.channel === 'history.changed' && (record.payload as { reason?: string }).reason === 'imported',
  );
  expect(replyDone).toBeGreaterThan(-1);
  expect(imported).toBeGreaterThan(replyDone);
});

test('an export imported into a fresh install exports identically; cancelling an import changes nothing', async ({
  launch,
}) => {
  const first = await launch();
  const seedFile = join(files, 'seed.json');
  writeFileSync(seedFile, JSON.stringify(buildChatGptExport({ conversations: 30, seed: 11 })));
  await openData(first.page);
  first.answerNextDialog('open', seedFile);
  await first.page.getByTestId('import').click();
  await expect(first.page.getByTestId('import-added')).toBeVisible({ timeout: 30_000 });

  const exported = join(files, 'export.json');
  first.answerNextDialog('save', exported);
  await first.page.getByTestId('export-json').click();
  await expect(first.page.getByTestId('data-result')).toHaveText(`Saved to ${exported}`);

  const second = await launch();
  await openData(second.page);
  second.answerNextDialog('open', exported);
  await second.page.getByTestId('import').click();
  await expect(second.page.getByTestId('import-added')).toContainText('Imported', { timeout: 30_000 });
  const again = join(files, 'export-again.json');
  second.answerNextDialog('save', again);
  await second.page.getByTestId('export-json').click();
  await expect(second.page.getByTestId('data-result')).toHaveText(`Saved to ${again}`);
  const timeless = (path: string) => ({ ...(JSON.parse(readFileSync(path, 'utf8')) as object), exportedAt: 0 });
  expect(timeless(again)).toEqual(timeless(exported));

  // A large import, cancelled: the report says so and nothing was added.
  const large = join(files, 'large.json');
  await writeChatGptExport(large, { targetBytes: 30 * 1024 * 1024, seed: 12 });
  const before = await listedInMain(second.page);
  second.answerNextDialog('open', large);
  await second.page.getByTestId('import').click();
  await expect(second.page.getByTestId('transfer-progress-text')).toContainText('MB of 30 MB read');
  await second.page.getByTestId('transfer-cancel').click();
  await expect(second.page.getByTestId('import-cancelled')).toHaveText('Import cancelled. Nothing was imported.', {
    timeout: 30_000,
  });
  expect(await listedInMain(second.page)).toBe(before);
});

test('progress and report read right in Japanese on the dark theme', async ({ launch }, testInfo) => {
  const userDataDir = mkdtempSync(join(tmpdir(), 'nagare-e2e-data-'));
  writeFileSync(join(userDataDir, 'settings.json'), JSON.stringify({ theme: 'dark', language: 'ja' }));
  const app = await launch({ userDataDir, locale: 'ja-JP' });
  const { page } = app;
  const file = join(files, 'conversations.json');
  await writeChatGptExport(file, { targetBytes: 12 * 1024 * 1024, seed: 6 });
  await openData(page);

  app.answerNextDialog('open', file);
  await page.getByTestId('import').click();
  await expect(page.getByTestId('transfer-progress')).toContainText('インポート中…');
  await expect(page.getByTestId('transfer-progress-text')).toContainText(
    /12 MB 中 .+ MB を読み込み済み · 会話 [\d,]+ 件/,
  );
  await expect(page.getByTestId('transfer-cancel')).toHaveText('キャンセル');
  await page.screenshot({ path: testInfo.outputPath('import-progress-dark-ja.png') });
  await expect(page.getByTestId('transfer-progress-text')).toContainText(
    /検索用の索引を作成中：メッセージとタイトル [\d,]+ 件中 [\d,]+ 件/,
  );
  await page.screenshot({ path: testInfo.outputPath('import-indexing-dark-ja.png') });

  await expect(page.getByTestId('import-added')).toContainText(
    /会話 [\d,]+ 件をインポートしました（メッセージ [\d,]+ 件）。/,
    {
      timeout: 50_000,
    },
  );
  await expect(page.getByTestId('import-skipped-title')).toContainText(/次の [\d,]+ 件はインポートしませんでした/);
  await expect(page.getByTestId('import-skipped').locator('li').first()).toContainText(
    /— (エクスポートにメッセージが含まれていません|メッセージのつながりが循環しています)/,
  );
  await page.screenshot({ path: testInfo.outputPath('import-report-dark-ja.png') });
});
