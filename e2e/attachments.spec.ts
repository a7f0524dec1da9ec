/**
 * Attachments through the window: paste, drop and pick files, see them as
 * chips, send them as content parts, see them in history after a restart, and
 * a model that refuses images.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { makeTestPdf } from '../src-main/attachments/testing/makePdf';
import { makeTestPng } from '../src-main/attachments/testing/makeTestPng';
import { chatGptConversationWithPhotos } from '../src-main/transfer/testing/chatGptWithPhotos';
import { makeZip } from '../src-main/transfer/testing/makeZip';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = 'sk-e2e-attachments-0123456789abcdef';
let mock: MockServer;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

interface FileToGive {
  name: string;
  type: string;
  base64: string;
}

const fileOf = (name: string, type: string, bytes: Uint8Array): FileToGive => ({
  name,
  type,
  base64: Buffer.from(bytes).toString('base64'),
});

/** Pastes files into the composer as a clipboard paste event carries them (a screenshot, copied files). */
async function paste(page: Page, files: FileToGive[]): Promise<void> {
  await page.getByTestId('composer').evaluate((composer, given) => {
    const data = new DataTransfer();
    for (const file of given) {
      const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
      data.items.add(new File([bytes], file.name, { type: file.type }));
    }
    composer.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, files);
}

/** Drags files over the window and drops them on it, as a file manager does. */
async function drop(page: Page, files: FileToGive[]): Promise<void> {
  await page
    .locator('main')
    .first()
    .evaluate((target, given) => {
      const data = new DataTransfer();
      for (const file of given) {
        const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
        data.items.add(new File([bytes], file.name, { type: file.type }));
      }
      const init = { dataTransfer: data, bubbles: true, cancelable: true };
      target.dispatchEvent(new DragEvent('dragenter', init));
      target.dispatchEvent(new DragEvent('dragover', init));
      target.dispatchEvent(new DragEvent('drop', init));
    }, files);
}

/** The width and height in a PNG's header. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

type Part = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

/**
 * The last request's question: the typed text, then the 3000×1500 screenshot scaled to 2048×1024,
 * then notes.md as a text part under its name.
 */
function expectScreenshotAndNotesSent(text: string): void {
  const body = mock.requests.at(-1)?.json as { messages: Array<{ role: string; content: string | Part[] }> };
  const parts = body.messages.at(-1)?.content as Part[];
  expect(parts.map((part) => part.type)).toEqual(['text', 'image_url', 'text']);
  expect(parts[0]).toEqual({ type: 'text', text });
  const url = (parts[1] as Extract<Part, { type: 'image_url' }>).image_url.url;
  expect(url.startsWith('data:image/png;base64,')).toBe(true);
  expect(pngSize(Buffer.from(url.slice('data:image/png;base64,'.length), 'base64'))).toEqual({
    width: 2048,
    height: 1024,
  });
  expect(parts[2]).toEqual({ type: 'text', text: 'Attached file: notes.md\n```\n# 議事録\n- 川の水位 📈\n```' });
}

test('paste an image, drop a text file, pick a PDF: sent as content parts, streamed, kept after a restart', async ({
  launch,
}, testInfo) => {
  const userDataDir = seedMockProvider(mock.url);
  const first = await launch({ userDataDir });
  const { page } = first;
  await setKey(page, KEY);

  // A wide screenshot, larger than the 2048 px the model is sent.
  await paste(page, [fileOf('スクリーンショット.png', 'image/png', makeTestPng(3000, 1500))]);
  await drop(page, [fileOf('notes.md', 'text/markdown', new TextEncoder().encode('# 議事録\n- 川の水位 📈'))]);
  await page.getByTestId('attachment-picker').setInputFiles({
    name: 'report.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from(makeTestPdf([['Quarterly report'], ['Second page']])),
  });
  const chips = page.getByTestId('attachment-chip');
  await expect(chips).toHaveCount(3);
  await expect(chips.nth(0)).toHaveAttribute('data-kind', 'image');
  await expect(chips.nth(0)).toContainText('2048×1024');
  await expect(chips.nth(1)).toHaveAttribute('data-kind', 'text');
  await expect(chips.nth(2)).toHaveAttribute('data-kind', 'pdf');
  await expect(chips.nth(2)).toContainText('2 pages');

  // Backspace on a focused chip removes it; the PDF goes, focus stays among the chips.
  await chips.nth(2).focus();
  await page.keyboard.press('Backspace');
  await expect(chips).toHaveCount(2);
  await expect(chips.nth(1)).toBeFocused();
  await page.getByTestId('composer').fill('What do these show? [[mock:tokens=30 rate=300]]');
  await page.screenshot({ path: testInfo.outputPath('composer-chips-light-en.png') });
  await page.getByTestId('composer').press('Enter');

  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'complete');
  await expect(chips).toHaveCount(0);

  expectScreenshotAndNotesSent('What do these show? [[mock:tokens=30 rate=300]]');

  const user = page.locator('[data-testid="message"][data-role="user"]').last();
  await expect(user.getByTestId('attachment-thumbnail').locator('img')).toBeVisible();
  await expect(user.getByTestId('attachment-file')).toContainText('notes.md');
  await page.screenshot({ path: testInfo.outputPath('message-attachments-light-en.png') });
  await first.close();

  // After a restart, in Japanese and dark: the files are still there, and the image opens larger.
  writeFileSync(
    join(userDataDir, 'settings.json'),
    JSON.stringify({ ...JSON.parse('{}'), theme: 'dark', language: 'ja', defaultProviderId: null }),
  );
  const second = await launch({ userDataDir, locale: 'ja-JP' });
  await second.page.getByTestId('conversation-item').first().click();
  const kept = second.page.locator('[data-testid="message"][data-role="user"]').last();
  const thumbnail = kept.getByTestId('attachment-thumbnail');
  await expect(thumbnail.locator('img')).toBeVisible();
  expect(await thumbnail.locator('img').evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(2048);
  await expect(kept.getByTestId('attachment-file')).toContainText('notes.md');
  await second.page.screenshot({ path: testInfo.outputPath('message-attachments-dark-ja.png') });
  await thumbnail.click();
  const viewer = second.page.getByTestId('image-viewer');
  await expect(viewer).toBeVisible();
  await expect(viewer).toContainText('スクリーンショット.png');
  await second.page.screenshot({ path: testInfo.outputPath('image-viewer-dark-ja.png') });
  await second.page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
});

test('files waiting in the composer survive a crash and restarts in their own conversation, then are sent', async ({
  launch,
}, testInfo) => {
  // Three launches, one of them after a crash, on a busy machine.
  test.slow();
  const userDataDir = seedMockProvider(mock.url);
  const first = await launch({ userDataDir });
  const { page } = first;
  await setKey(page, KEY);
  await page.getByTestId('composer').fill('Conversation one [[mock:tokens=3]]');
  await page.getByTestId('composer').press('Enter');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toHaveAttribute(
    'data-status',
    'complete',
  );

  // Not sent: a pasted screenshot, a dropped text file and a question.
  await paste(page, [fileOf('スクリーンショット.png', 'image/png', makeTestPng(3000, 1500))]);
  await drop(page, [fileOf('notes.md', 'text/markdown', new TextEncoder().encode('# 議事録\n- 川の水位 📈'))]);
  const chips = page.getByTestId('attachment-chip');
  await expect(chips.nth(0)).toContainText('2048×1024');
  await expect(chips.nth(1)).toHaveAttribute('data-kind', 'text');
  await page.getByTestId('composer').fill('Compare these [[mock:tokens=4]]');

  // The new chat has its own, empty composer; back in the conversation, its draft is read back from main.
  await page.keyboard.press('Control+N');
  await expect(page.getByTestId('composer')).toHaveValue('');
  await expect(chips).toHaveCount(0);
  await page.getByTestId('conversation-item').filter({ hasText: 'Conversation one' }).click();
  await expect(page.getByTestId('composer')).toHaveValue('Compare these [[mock:tokens=4]]');
  await expect(chips).toHaveCount(2);

  // The app crashes.
  await first.kill();

  const second = await launch({ userDataDir });
  const restored = second.page.getByTestId('attachment-chip');
  // The new chat shown at start has none of them.
  await expect(second.page.getByTestId('composer')).toBeVisible();
  await expect(restored).toHaveCount(0);
  await second.page.getByTestId('conversation-item').first().click();
  await expect(second.page.getByTestId('composer')).toHaveValue('Compare these [[mock:tokens=4]]');
  await expect(restored).toHaveCount(2);
  await expect(restored.nth(0)).toHaveAttribute('data-kind', 'image');
  await expect(restored.nth(1)).toContainText('notes.md');
  const thumbnail = restored.nth(0).locator('img');
  await expect(thumbnail).toBeVisible();
  expect(await thumbnail.evaluate((image: HTMLImageElement) => image.naturalWidth)).toBe(2048);
  for (const [theme, language] of [
    ['light', 'en'],
    ['dark', 'ja'],
    ['light', 'ja'],
    ['dark', 'en'],
  ] as const) {
    await second.page.keyboard.press('Control+Comma');
    await second.page.getByTestId('settings-tab-appearance').click();
    await second.page.getByTestId(`theme-${theme}`).check();
    await second.page.getByTestId(`language-${language}`).check();
    await expect(second.page.locator('html')).toHaveAttribute('data-theme', theme);
    await expect(second.page.locator('html')).toHaveAttribute('lang', language);
    await second.page.keyboard.press('Escape');
    await expect(restored.nth(0)).toContainText('2048×1024');
    await second.page.screenshot({ path: testInfo.outputPath(`draft-chips-restored-${theme}-${language}.png`) });
  }

  // Sent at last: the request carries the text, the scaled image and the file's text.
  await second.page.getByTestId('composer').press('Enter');
  const reply = second.page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'complete');
  await expect(restored).toHaveCount(0);
  expectScreenshotAndNotesSent('Compare these [[mock:tokens=4]]');
  // Away and back: the draft is read from main again, after the window told it the draft was sent.
  await second.page.keyboard.press('Control+N');
  await second.page.getByTestId('conversation-item').first().click();
  await expect(second.page.locator('[data-testid="message"][data-role="user"]')).toHaveCount(2);
  await expect(second.page.getByTestId('composer')).toHaveValue('');
  await expect(restored).toHaveCount(0);
  await second.close();

  // Once sent, the draft is gone from main too: a restart does not bring the chips back.
  const last = await launch({ userDataDir });
  await last.page.getByTestId('conversation-item').first().click();
  await expect(last.page.locator('[data-testid="message"][data-role="user"]')).toHaveCount(2);
  await expect(last.page.getByTestId('composer')).toHaveValue('');
  await expect(last.page.getByTestId('attachment-chip')).toHaveCount(0);
});

test('a model that refuses images gives a typed error with the message and its image kept', async ({
  launch,
}, testInfo) => {
  const { page } = await launch({ userDataDir: seedMockProvider(mock.url) });
  await setKey(page, KEY);
  const photo = fileOf('photo.png', 'image/png', makeTestPng(64, 48));
  await paste(page, [photo]);
  await expect(page.getByTestId('attachment-chip')).toHaveAttribute('data-kind', 'image');
  await page.getByTestId('composer').fill('What is this? [[mock:fault=no-images]]');
  await page.getByTestId('composer').press('Enter');

  const notice = page.getByTestId('error-notice');
  await expect(notice).toHaveAttribute('data-code', 'image_unsupported');
  await expect(notice).toContainText('This model does not accept images');
  const user = page.locator('[data-testid="message"][data-role="user"]').last();
  await expect(user.getByTestId('attachment-thumbnail')).toBeVisible();
  await expect(user.getByTestId('message-text')).toHaveText('What is this? [[mock:fault=no-images]]');
  await page.screenshot({ path: testInfo.outputPath('image-refused-light-en.png') });

  // The action opens the conversation's settings, where another model is chosen.
  await notice.getByTestId('choose-model').click();
  await expect(page.getByTestId('conversation-model-input')).toBeVisible();

  // The inspector and its cURL command name the image, never print its base64.
  await page.locator('[data-testid="message"][data-role="assistant"]').last().getByTestId('inspect-message').click();
  const curl = page.getByTestId('inspector-curl');
  await expect(curl).toContainText('left out: photo.png');
  expect(await curl.textContent()).not.toContain(photo.base64.slice(0, 40));
  await expect(page.getByTestId('inspector-elided')).toContainText('photo.png');
  await expect(page.getByTestId('inspector-elided')).toContainText('image/png');
  await page.keyboard.press('Escape');

  // Sending the question again without its image makes a new version that the model answers.
  await notice.getByTestId('send-without-images').click();
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'complete');
  const question = page.locator('[data-testid="message"][data-role="user"]').last();
  await expect(question.getByTestId('attachment-thumbnail')).toHaveCount(0);
  await expect(question.getByTestId('message-text')).toHaveText('What is this? [[mock:fault=no-images]]');
  const sent = mock.requests.at(-1)?.json as { messages: Array<{ content: unknown }> };
  expect(sent.messages.at(-1)?.content).toBe('What is this? [[mock:fault=no-images]]');
});

test('a binary file dropped on the window is refused with a clear message in the UI language; nothing is attached', async ({
  launch,
}) => {
  const userDataDir = seedMockProvider(mock.url);
  const binary = () => fileOf('データ.log', 'text/plain', new Uint8Array([0, 159, 146, 150, 0, 1, 2, 3, 0, 255]));
  const settingsFile = join(userDataDir, 'settings.json');
  const japanese = { ...JSON.parse(readFileSync(settingsFile, 'utf8')), language: 'ja' };
  writeFileSync(settingsFile, JSON.stringify(japanese));
  const first = await launch({ userDataDir, locale: 'ja-JP' });
  await drop(first.page, [binary()]);
  // Main says why as a reason; the window words it, so a Japanese window shows no English.
  await expect(first.page.getByTestId('attachment-problem')).toHaveText(
    'このファイルは添付できません。「データ.log」は画像、PDF、テキストファイルのどれでもありません。' +
      '添付できるのは PNG・JPEG・WebP・GIF の画像、PDF、UTF-8 のテキストファイルです。',
  );
  await first.close();

  writeFileSync(settingsFile, JSON.stringify({ ...japanese, language: 'en' }));
  const { page } = await launch({ userDataDir });
  await drop(page, [binary()]);
  await expect(page.getByTestId('attachment-problem')).toContainText(
    '“データ.log” is not an image, a PDF or a text file.',
  );
  await expect(page.getByTestId('attachment-chip')).toHaveCount(0);
  // An SVG is accepted only as text, never as an image.
  await drop(page, [
    fileOf('logo.svg', 'image/svg+xml', new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')),
  ]);
  await expect(page.getByTestId('attachment-chip')).toHaveAttribute('data-kind', 'text');
});

async function openData(page: Page): Promise<void> {
  await page.keyboard.press('Control+Comma');
  await page.getByTestId('settings-tab-data').click();
  await expect(page.getByTestId('import')).toBeVisible();
}

test('an export with its files in a folder beside it, imported on another computer, keeps the files', async ({
  launch,
}) => {
  const files = mkdtempSync(join(tmpdir(), 'nagare-e2e-files-'));
  try {
    const first = await launch({ userDataDir: seedMockProvider(mock.url) });
    await setKey(first.page, KEY);
    await paste(first.page, [fileOf('川.png', 'image/png', makeTestPng(50, 40))]);
    await expect(first.page.getByTestId('attachment-chip')).toHaveAttribute('data-kind', 'image');
    await first.page.getByTestId('composer').fill('A river [[mock:tokens=5]]');
    await first.page.getByTestId('composer').press('Enter');
    await expect(first.page.locator('[data-testid="message"][data-role="assistant"]').last()).toHaveAttribute(
      'data-status',
      'complete',
    );
    await openData(first.page);
    await first.page.getByTestId('export-attachments-folder').check();
    const exportPath = join(files, 'history.json');
    first.answerNextDialog('save', exportPath);
    await first.page.getByTestId('export-json').click();
    await expect.poll(() => readdirSync(files).sort()).toEqual(['history-files', 'history.json']);
    expect(readdirSync(join(files, 'history-files'))).toHaveLength(1);

    // Another computer: a fresh user-data folder.
    const second = await launch({ userDataDir: seedMockProvider(mock.url) });
    await openData(second.page);
    second.answerNextDialog('open', exportPath);
    await second.page.getByTestId('import').click();
    await expect(second.page.getByTestId('import-added')).toBeVisible();
    await second.page.keyboard.press('Escape');
    await second.page.getByTestId('conversation-item').first().click();
    const question = second.page.locator('[data-testid="message"][data-role="user"]').last();
    await expect(question.getByTestId('attachment-thumbnail').locator('img')).toBeVisible();
    await expect(question.getByTestId('attachment-thumbnail')).toHaveAttribute('title', '川.png');
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
});

test('ChatGPT’s export zip imports as it is, with its photo attached to the message', async ({ launch }, testInfo) => {
  const files = mkdtempSync(join(tmpdir(), 'nagare-e2e-files-'));
  try {
    const photo = makeTestPng(120, 80);
    const conversations = [
      chatGptConversationWithPhotos({
        id: 'zip-e2e',
        title: '旅行の写真',
        question: 'Where was this taken?',
        answer: '京都のようです。',
        photos: [{ assetId: 'file-Trip01', name: 'IMG_2041.png' }],
      }),
    ];
    const zipPath = join(files, 'chatgpt-export.zip');
    writeFileSync(
      zipPath,
      makeZip([
        ['conversations.json', JSON.stringify(conversations)],
        ['file-Trip01-IMG_2041.png', photo],
        ['chat.html', '<html></html>'],
      ]),
    );
    const { page, answerNextDialog } = await launch({ userDataDir: seedMockProvider(mock.url) });
    await openData(page);
    answerNextDialog('open', zipPath);
    await page.getByTestId('import').click();
    await expect(page.getByTestId('import-added')).toBeVisible();
    await page.keyboard.press('Escape');
    await page.getByTestId('conversation-item').first().click();
    const question = page.locator('[data-testid="message"][data-role="user"]').last();
    await expect(question.getByTestId('message-text')).toHaveText('Where was this taken?');
    const image = question.getByTestId('attachment-thumbnail').locator('img');
    await expect(image).toBeVisible();
    expect(await image.evaluate((element: HTMLImageElement) => element.naturalWidth)).toBe(120);
    await page.screenshot({ path: testInfo.outputPath('chatgpt-zip-imported-light-en.png') });
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
});
