import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, sendMessage, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = 'sk-e2e-streaming-0123456789abcdef';
let mock: MockServer;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

test('a reply streams in token by token, Esc stops it, and the partial reply stays', async ({ launch }) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);

  // A plain reply of numbered words, so the words on screen can be compared with what was saved.
  const story = Array.from({ length: 400 }, (_, index) => `word${index}`).join(' ');
  await sendMessage(page, `Tell me a long story [[mock:text=${encodeURIComponent(story)} rate=30]]`);
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'streaming');

  // The text grows over time, in several steps, not all at once: its length in every painted frame,
  // until it has shown three different non-empty lengths.
  const lengths = await reply.getByTestId('message-text').evaluate(
    (element) =>
      new Promise<number[]>((resolve) => {
        const seen: number[] = [];
        const sample = () => {
          seen.push(element.textContent?.length ?? 0);
          if (new Set(seen.filter((length) => length > 0)).size >= 3) resolve(seen);
          else requestAnimationFrame(sample);
        };
        requestAnimationFrame(sample);
      }),
  );
  expect(lengths).toEqual([...lengths].sort((a, b) => a - b));

  await page.keyboard.press('Escape');
  await expect(reply).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('stopped-label')).toBeVisible();
  const partial = ((await reply.getByTestId('message-text').textContent()) ?? '').trim();
  expect(partial.length).toBeGreaterThan(0);
  // Stopped mid-stream: far from the whole reply, and the server saw the client go away.
  expect(mock.lastResponse?.outcome).not.toBe('complete');

  // The partial reply is what history kept.
  const saved = await page.evaluate(async () => {
    const list = await window.nagare.history.list({ limit: 10 });
    if (!list.ok) throw new Error(list.error.message);
    const opened = await window.nagare.history.open({ conversationId: list.value.items[0]!.id, limit: 10 });
    if (!opened.ok) throw new Error(opened.error.message);
    return opened.value.messages.at(-1);
  });
  expect(saved?.status).toBe('cancelled');
  expect(saved?.content.trim().length).toBeGreaterThan(0);
  const words = (text: string) => text.split(/\s+/).filter(Boolean);
  expect(words(partial)).toEqual(words(saved!.content));
  expect(words(partial)).toEqual(words(story).slice(0, words(partial).length));
  expect(words(partial).length).toBeLessThan(400);

  // The composer is ready for the next message.
  await expect(page.getByTestId('composer')).toBeFocused();
});

test('an HTTP error becomes an actionable notice and the app keeps working', async ({ launch }) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);

  await sendMessage(page, 'Hello [[mock:fault=503]]');
  const notice = page.getByTestId('error-notice');
  await expect(notice).toHaveAttribute('data-code', 'server');
  await expect(notice.getByTestId('retry-reply')).toBeVisible();

  await sendMessage(page, 'Hello again [[mock:tokens=8 rate=200]]');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toHaveAttribute(
    'data-status',
    'complete',
  );
});
