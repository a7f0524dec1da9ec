/**
 * Journey: the quick-ask window: its shortcut recorded by pressing the keys (Esc cancels; the app's
 * own shortcuts and ones another app holds are refused in words), and a second question asked while
 * a reply streams waits visibly and is sent when that reply ends.
 */
import { expect, test } from '../fixtures/test';
import { startJourney } from './support';

test('record the shortcut by pressing keys, then ask twice in a row: the second question waits its turn', async ({
  launch,
}) => {
  const { app, page, mock } = await startJourney(launch);
  await page.keyboard.press('Control+Comma');
  await page.getByRole('tab', { name: 'Shortcuts' }).click();
  const record = page.getByRole('button', { name: 'Record keys' });
  const status = page.getByTestId('quick-ask-notice');
  const problem = page.getByTestId('quick-ask-error');

  // Esc cancels without closing the dialog or changing anything.
  await record.click();
  await expect(page.getByRole('button', { name: /Press the keys/ })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(status).toHaveText('Recording cancelled; the shortcut is unchanged.');
  await expect(page.getByTestId('settings-dialog')).toBeVisible();

  // The app's own shortcut is refused, in words.
  await record.click();
  await page.keyboard.press('Control+n');
  await expect(problem).toHaveText('Ctrl+N is already Nagare’s shortcut for “New chat”. Choose other keys.');

  // Held by another app: the system refuses it, and the app says so.
  app.control({ type: 'globalShortcut.heldByOtherApp', accelerator: 'Control+Alt+J' });
  await record.click();
  await page.keyboard.press('Control+Alt+j');
  await expect(problem).toContainText('cannot be used');

  // Modifiers alone wait for the key; then it is saved and registered.
  await record.click();
  await page.keyboard.down('Control');
  await page.keyboard.down('Alt');
  await expect(page.getByRole('button', { name: /Press the keys/ })).toBeVisible();
  await page.keyboard.press('k');
  await page.keyboard.up('Alt');
  await page.keyboard.up('Control');
  await expect(status).toHaveText('Saved.');
  await expect(page.getByTestId('quick-ask-shortcut')).toHaveValue('Control+Alt+K');
  await page.keyboard.press('Escape');

  // The shortcut opens the window; a second question while the first streams waits, visibly.
  app.control({ type: 'globalShortcut', accelerator: 'Control+Alt+K' });
  const quick = await app.waitForWindow('quick-ask');
  const input = quick.getByRole('textbox', { name: 'Quick ask' });
  await expect(input).toBeFocused();
  const story = Array.from({ length: 120 }, (_, index) => `drop${index}`).join(' ');
  mock.script({ text: story, rate: 40 }, { text: 'Second answer: 二番目の答え。' });
  await input.fill('First question');
  await input.press('Enter');
  const answer = quick.getByTestId('quick-ask-reply');
  await expect.poll(async () => ((await answer.textContent()) ?? '').length).toBeGreaterThan(0);
  await input.fill('Second question 二つ目');
  await input.press('Enter');
  await expect(quick.getByTestId('quick-ask-queued')).toContainText('Second question 二つ目');
  await expect(answer).toHaveText('Second answer: 二番目の答え。', { timeout: 30_000 });
  await expect(quick.getByTestId('quick-ask-queued')).toHaveCount(0);
  const asked = mock.requests.map((request) => JSON.parse(request.body) as { messages: Array<{ content: string }> });
  expect(asked.at(-1)?.messages.at(-1)?.content).toBe('Second question 二つ目');
  await expect(page.getByTestId('conversation-item')).toHaveCount(2);
  await mock.close();
});
