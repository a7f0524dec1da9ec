import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, sendMessage, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = `sk-e2e-inspector-${Math.random().toString(36).slice(2, 12)}`;
let mock: MockServer;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

test('the inspector shows the raw stream, merges it, saves it and opens it again, without the key', async ({
  launch,
}) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);

  await sendMessage(page, 'Think, then answer [[mock:tokens=24 rate=300 reasoning comments]]');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'complete');
  const sent = mock.lastResponse!;
  expect(sent.eventsSent).toBeGreaterThan(24);
  expect(sent.reasoningSent.length).toBeGreaterThan(0);

  await reply.getByTestId('inspect-message').click();
  const panel = page.getByTestId('inspector-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('inspector-event-count')).toHaveText(String(sent.eventsSent));
  // Comments are on the timeline too, marked as such, but they are not events.
  await expect(
    panel.locator(
      '[data-testid="inspector-timeline-row"][data-kind="keepAlive"], [data-testid="inspector-timeline-row"][data-kind="comment"]',
    ),
  ).not.toHaveCount(0);
  await expect(panel.getByTestId('inspector-merged')).toHaveText(sent.textSent);

  await panel.getByTestId('inspector-preset-reasoning').click();
  await expect(panel.getByTestId('inspector-path')).toHaveValue('choices[0].delta.reasoning_content');
  await expect(panel.getByTestId('inspector-merged')).toHaveText(sent.reasoningSent);
  await panel.getByTestId('inspector-path').fill('choices[0].delta.content');
  await expect(panel.getByTestId('inspector-merged')).toHaveText(sent.textSent);

  const curl = (await panel.getByTestId('inspector-curl').textContent()) ?? '';
  expect(curl).toContain('$OPENAI_API_KEY');
  expect(curl).toContain(`${mock.url}/chat/completions`);
  expect(curl).not.toContain(KEY);
  expect(await panel.innerHTML()).not.toContain(KEY);

  const saved = join(app.userDataDir, 'reply.sse');
  app.answerNextDialog('save', saved);
  await panel.getByTestId('inspector-save').click();
  await expect.poll(() => existsSync(saved)).toBe(true);
  const file = readFileSync(saved, 'utf8');
  expect(file).not.toContain(KEY);
  expect(file.match(/^data: /gm)?.length).toBeGreaterThanOrEqual(sent.eventsSent);

  // Opened again offline, through the same decoder, it shows the same events and the same merge.
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);
  await page.keyboard.press('Control+k');
  await page.keyboard.insertText('saved stream');
  app.answerNextDialog('open', saved);
  await page.keyboard.press('Enter');
  // The palette asks for the file first and the panel opens showing it: no second click.
  await expect(page.getByTestId('inspector-panel')).toBeVisible();
  await expect(page.getByTestId('inspector-event-count')).toHaveText(String(sent.eventsSent));
  await expect(page.getByTestId('inspector-merged')).toHaveText(sent.textSent);
  expect(await page.getByTestId('inspector-panel').innerHTML()).not.toContain(KEY);
});

test('Mod+I inspects the last reply while it is still streaming', async ({ launch }) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);
  await sendMessage(page, 'Slowly [[mock:tokens=200 rate=20]]');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await expect.poll(async () => ((await reply.textContent()) ?? '').length).toBeGreaterThan(20);

  await page.keyboard.press('Control+i');
  const count = page.getByTestId('inspector-event-count');
  await expect(count).toBeVisible();
  const first = Number(await count.textContent());
  // The timeline keeps growing while the reply streams.
  await expect.poll(async () => Number(await count.textContent())).toBeGreaterThan(first);
});

test('the inspector of a 20,000-token reply shows its first and its last event, with a DOM bounded by the viewport', async ({
  launch,
}) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);
  await sendMessage(page, 'A very long answer [[mock:tokens=20000 rate=20000]]');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
  const sent = mock.lastResponse!;
  expect(sent.eventsSent).toBeGreaterThan(20_000);

  await reply.getByTestId('inspect-message').click();
  const panel = page.getByTestId('inspector-panel');
  // The 5 MB log crosses CDP on the chromium host; on a loaded shared machine that alone took over 10 s.
  await expect(panel.getByTestId('inspector-event-count')).toHaveText(String(sent.eventsSent), { timeout: 30_000 });
  const timeline = panel.getByTestId('inspector-timeline');
  const rows = timeline.getByTestId('inspector-timeline-row');
  const elementsInTimeline = () => timeline.evaluate((element) => element.getElementsByTagName('*').length);

  // The first event opens the reply with its role; only a viewport's worth of rows is in the page.
  await expect(rows.first()).toHaveAttribute('aria-posinset', '1');
  await expect(rows.first()).toContainText('"role":"assistant"');
  expect(await elementsInTimeline()).toBeLessThan(2_000);

  // To the end with the keyboard: the last entry is the stream's end marker.
  await timeline.focus();
  await page.keyboard.press('End');
  await expect(rows.last()).toContainText('[DONE]');
  await expect(rows.last()).toHaveAttribute('aria-posinset', (await rows.last().getAttribute('aria-setsize')) ?? '');
  expect(await elementsInTimeline()).toBeLessThan(2_000);
  await panel.getByTestId('inspector-timeline-first').click();
  await expect(rows.first()).toHaveAttribute('aria-posinset', '1');
  // The button goes to the end as End does, and Home back to the start.
  await panel.getByTestId('inspector-timeline-last').click();
  await expect(rows.last()).toContainText('[DONE]');
  await page.keyboard.press('Home');
  await expect(rows.first()).toHaveAttribute('aria-posinset', '1');

  // The merge reads every event, between frames.
  await expect(panel.getByTestId('inspector-merge-reading')).toHaveCount(0);
  expect(await panel.getByTestId('inspector-merged').evaluate((element) => element.textContent)).toBe(sent.textSent);
  await expect(panel.getByText('The log reached its size limit')).toHaveCount(0);
});

for (const look of [
  { theme: 'light', language: 'en' },
  { theme: 'dark', language: 'ja' },
] as const) {
  test(`the inspector on a 5,000-token reply (${look.theme}, ${look.language})`, async ({ launch }, testInfo) => {
    const userDataDir = seedMockProvider(mock.url);
    writeFileSync(join(userDataDir, 'settings.json'), JSON.stringify(look));
    const app = await launch({ userDataDir, locale: look.language === 'ja' ? 'ja-JP' : 'en-US' });
    const { page } = app;
    await setKey(page, KEY);
    await sendMessage(page, '長い返事をください [[mock:markdown tokens=5000 rate=20000 reasoning comments]]');
    const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
    await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 60_000 });
    await page.keyboard.press('Control+i');
    const panel = page.getByTestId('inspector-panel');
    await expect(panel.getByTestId('inspector-event-count')).toHaveText(String(mock.lastResponse!.eventsSent));
    await expect(panel.getByTestId('inspector-merge-reading')).toHaveCount(0);
    await page.screenshot({ path: testInfo.outputPath(`inspector-top-${look.theme}-${look.language}.png`) });
    const timeline = panel.getByTestId('inspector-timeline');
    await timeline.scrollIntoViewIfNeeded();
    await timeline.getByTestId('inspector-timeline-row').nth(3).getByRole('button').click();
    await page.screenshot({ path: testInfo.outputPath(`inspector-timeline-${look.theme}-${look.language}.png`) });
    await panel.getByTestId('inspector-timeline-last').click();
    await expect(timeline.getByTestId('inspector-timeline-row').last()).toContainText('[DONE]');
    await page.screenshot({ path: testInfo.outputPath(`inspector-end-${look.theme}-${look.language}.png`) });
  });
}
