/**
 * Journey: a session with the keyboard only: new chats, sending, switching with Ctrl+Tab both ways
 * right after a conversation was created, search, the palette, Esc.
 */
import { expect, test } from '../fixtures/test';
import { replies, startJourney } from './support';

test('a keyboard-only session: Ctrl+N, Enter, Ctrl+Tab and Ctrl+Shift+Tab at once, Ctrl+F, Ctrl+K, Esc', async ({
  launch,
}) => {
  const { page, mock } = await startJourney(launch);
  const title = page.getByTestId('conversation-title');
  const composer = page.getByRole('textbox', { name: 'Message', exact: true });

  await page.keyboard.press('Control+n');
  await expect(composer).toBeFocused();
  await page.keyboard.insertText('First topic: narwhals');
  await page.keyboard.press('Enter');
  await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');

  for (const name of ['Second topic: walruses', 'Third topic: 海のいきもの']) {
    await page.keyboard.press('Control+n');
    await expect(composer).toBeFocused();
    await page.keyboard.insertText(name);
    await page.keyboard.press('Enter');
    // Switch away and back the moment the new conversation is on screen.
    await expect(title).toHaveText(name);
    await page.keyboard.press('Control+Tab');
    await expect(title).not.toHaveText(name);
    await page.keyboard.press('Control+Shift+Tab');
    await expect(title).toHaveText(name);
  }
  await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');

  // Around the list and back: three conversations. Each press waits for the title
  // to leave the one before; the first must wait too, or it reads the title before the press took effect.
  const seen: string[] = [];
  let shown = 'Third topic: 海のいきもの';
  for (let step = 0; step < 3; step++) {
    await page.keyboard.press('Control+Tab');
    await expect(title).not.toHaveText(shown);
    shown = (await title.textContent())?.trim() ?? '';
    seen.push(shown);
  }
  expect(new Set(seen).size).toBe(3);
  expect(seen.at(-1)).toBe('Third topic: 海のいきもの');

  // Search from anywhere, open a hit with the arrows, come back with Esc.
  await page.keyboard.press('Control+f');
  await page.keyboard.insertText('narwhals');
  await expect(page.getByRole('option').first().locator('mark')).toHaveText('narwhals');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(title).toHaveText('First topic: narwhals');
  await page.getByRole('searchbox', { name: 'Search all history' }).focus();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('searchbox', { name: 'Search all history' })).toHaveValue('');

  // The palette runs a command by name.
  await page.keyboard.press('Control+k');
  await page.keyboard.insertText('New chat');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(composer).toBeFocused();
  await mock.close();
});
