import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = `sk-e2e-quick-${Math.random().toString(36).slice(2, 12)}`;
const SHORTCUT = 'CommandOrControl+Alt+Space';
let mock: MockServer;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

test('quick ask: the hotkey opens it, Enter streams a reply into a new conversation the main window lists', async ({
  launch,
}) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);

  // Off until the user picks a shortcut.
  expect((await app.ipcRecords()).some((record) => record.type === 'globalShortcut.register')).toBe(false);
  await page.keyboard.press('Control+Comma');
  await page.getByTestId('settings-tab-shortcuts').click();
  await page.getByTestId('quick-ask-shortcut').fill(SHORTCUT);
  await page.getByTestId('quick-ask-save').click();
  await expect
    .poll(async () =>
      (await app.ipcRecords()).filter((record) => record.type === 'globalShortcut.register').map((r) => r.accelerator),
    )
    .toEqual([SHORTCUT]);
  await page.keyboard.press('Escape');

  app.control({ type: 'globalShortcut', accelerator: SHORTCUT });
  const quick = await app.waitForWindow('quick-ask');
  const input = quick.getByTestId('quick-ask-input');
  await expect(input).toBeFocused();
  const words = Array.from({ length: 240 }, (_, index) => `flow${index}`).join(' ');
  await input.fill(`What is 流れ? [[mock:rate=50 text=${encodeURIComponent(words)}]]`);
  await quick.keyboard.press('Enter');

  const answer = quick.getByTestId('quick-ask-reply');
  await expect.poll(async () => ((await answer.textContent()) ?? '').length).toBeGreaterThan(0);
  const early = ((await answer.textContent()) ?? '').length;
  await expect.poll(async () => ((await answer.textContent()) ?? '').length).toBeGreaterThan(early);

  // The main window lists the new conversation while the reply is still coming in.
  await expect(page.getByTestId('conversation-item')).toHaveCount(1);
  await expect(page.getByTestId('conversation-item')).toContainText('What is 流れ?');

  await expect.poll(async () => (await answer.textContent())?.trim()).toBe(words);

  // Mod+Enter opens the conversation in the main window.
  await input.focus();
  await quick.keyboard.press('Control+Enter');
  await expect(page.getByTestId('conversation-title')).toContainText('What is 流れ?');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toHaveAttribute(
    'data-status',
    'complete',
  );

  // The hotkey brings it back; Esc hides it again.
  const hides = async () => (await app.ipcRecords()).filter((record) => record.type === 'window.hide').length;
  const hiddenBefore = await hides();
  expect(hiddenBefore).toBeGreaterThan(0);
  app.control({ type: 'globalShortcut', accelerator: SHORTCUT });
  await expect(input).toBeFocused();
  await quick.keyboard.press('Escape');
  await expect.poll(hides).toBe(hiddenBefore + 1);
});
