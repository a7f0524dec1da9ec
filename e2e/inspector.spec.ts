import { existsSync, readFileSync } from 'node:fs';
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
