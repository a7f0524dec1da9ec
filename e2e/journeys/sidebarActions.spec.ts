/**
 * Journey: acting on a conversation from its sidebar row, by mouse (the icons a hovered row shows,
 * a right-click menu, renaming in place in Japanese) and by keyboard only (the row's menu by
 * Shift+F10 or the ContextMenu key, arrows, Enter, Esc back to the row, delete and Undo).
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/test';
import { askAndWait, startJourney } from './support';

const row = (page: Page, title: RegExp | string) => page.getByTestId('conversation-item').filter({ hasText: title });
const title = (page: Page) => page.getByTestId('conversation-title');
const menu = (page: Page) => page.getByRole('menu');

test('by mouse: a hovered row pins without opening; a right-click renames it in place in Japanese', async ({
  launch,
}) => {
  const { page, mock } = await startJourney(launch);
  await askAndWait(page, 'Alpha question');
  await page.getByRole('button', { name: 'New chat' }).click();
  await askAndWait(page, 'Beta question');
  await expect(title(page)).toHaveText('Beta question');

  // The actions show on hover only, in place of the time.
  const alpha = row(page, 'Alpha question');
  await expect(alpha.getByTestId('row-pin')).toBeHidden();
  await alpha.hover();
  await expect(alpha.locator('time')).toBeHidden();
  await alpha.getByTestId('row-pin').click();
  await expect(alpha.getByLabel('Pinned', { exact: true })).toBeVisible();
  await expect(page.getByTestId('conversation-list').locator('.heading').first()).toHaveText('Pinned');
  // It acted on that row: the open conversation is still Beta, and its header still offers Pin.
  await expect(title(page)).toHaveText('Beta question');
  const header = page.getByRole('group', { name: 'Conversation actions' });
  await expect(header.getByRole('button', { name: 'Pin', exact: true })).toBeVisible();
  // The same row now offers Unpin.
  await alpha.hover();
  await expect(alpha.getByTestId('row-pin')).toHaveAttribute('title', /^Unpin/);

  // A right-click opens the row's menu at the pointer, on its first item.
  const beta = row(page, 'Beta question');
  await beta.click({ button: 'right' });
  await expect(menu(page)).toBeVisible();
  await expect(menu(page).getByRole('menuitem')).toHaveText([
    'Pin',
    /Rename/,
    'Export as Markdown',
    'Export as JSON',
    /Delete/,
  ]);
  await expect(menu(page).getByRole('menuitem').first()).toBeFocused();
  await menu(page)
    .getByRole('menuitem', { name: /Rename/ })
    .click();
  await expect(menu(page)).toBeHidden();

  // Rename in place; Enter while the IME is composing confirms the conversion and must not save.
  const field = page.getByRole('textbox', { name: 'New title' });
  await expect(field).toBeFocused();
  await expect(field).toHaveValue('Beta question');
  await field.evaluate((input: HTMLInputElement) => {
    input.value = '';
    input.dispatchEvent(new InputEvent('input', { bubbles: true }));
    input.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
    input.value = 'りょこうのけいかく';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true }));
    input.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', code: 'Enter', bubbles: true, cancelable: true, isComposing: true }),
    );
    input.value = '旅行の計画';
    input.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '旅行の計画' }));
    input.dispatchEvent(new InputEvent('input', { bubbles: true }));
  });
  await expect(field).toBeVisible();
  await expect(field).toBeFocused();
  await page.keyboard.insertText(' ✈️');
  await page.keyboard.press('Enter');
  await expect(field).toBeHidden();
  await expect(row(page, '旅行の計画 ✈️')).toHaveCount(1);
  await expect(title(page)).toHaveText('旅行の計画 ✈️');

  // Esc in the field keeps the old title.
  await row(page, '旅行の計画').click({ button: 'right' });
  await menu(page)
    .getByRole('menuitem', { name: /Rename/ })
    .click();
  await page.keyboard.insertText('捨てる題');
  await page.keyboard.press('Escape');
  await expect(row(page, '旅行の計画 ✈️')).toHaveCount(1);
  await expect(row(page, '捨てる題')).toHaveCount(0);

  // A click elsewhere closes the menu without acting.
  await alpha.click({ button: 'right' });
  await expect(menu(page)).toBeVisible();
  await page.getByTestId('conversation-title').click();
  await expect(menu(page)).toBeHidden();
  await expect(alpha.getByLabel('Pinned', { exact: true })).toBeVisible();
  await mock.close();
});

test('by keyboard: the row menu by Shift+F10 and the ContextMenu key, Esc back to the row, delete and Undo', async ({
  launch,
}) => {
  const { page, mock } = await startJourney(launch);
  await askAndWait(page, 'Keep this one');
  await page.keyboard.press('Control+n');
  await askAndWait(page, 'Delete me later');
  await page.keyboard.press('Control+n');
  await askAndWait(page, 'Open one');
  await expect(title(page)).toHaveText('Open one');

  // Into the list from the search box, to the row below the open one.
  await page.keyboard.press('Control+f');
  await page.keyboard.press('ArrowDown');
  await expect(row(page, 'Open one')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  const doomed = row(page, 'Delete me later');
  await expect(doomed).toBeFocused();
  // A focused row shows its actions as a hovered one does.
  await page.mouse.move(0, 0);
  await expect(doomed.getByTestId('row-delete')).toBeVisible();

  // The ContextMenu key opens the menu on its first item; Esc closes it and gives the row its focus back.
  await page.keyboard.press('ContextMenu');
  await expect(menu(page)).toBeVisible();
  await expect(menu(page).getByRole('menuitem', { name: 'Pin', exact: true })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu(page)).toBeHidden();
  await expect(doomed).toBeFocused();
  // Esc went to the menu only: nothing else closed or stopped, the open conversation is the same.
  await expect(title(page)).toHaveText('Open one');

  // Shift+F10, arrows wrap (Up from the first item is the last), Enter runs Delete.
  await page.keyboard.press('Shift+F10');
  await expect(menu(page).getByRole('menuitem').first()).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(menu(page).getByRole('menuitem', { name: /Delete/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(doomed).toHaveCount(0);
  // Deleting another row leaves the open conversation open and the focus in the list.
  await expect(title(page)).toHaveText('Open one');
  await expect(row(page, 'Keep this one')).toBeFocused();
  const toast = page.getByTestId('toast').filter({ hasText: 'Delete me later' });
  await expect(toast).toBeVisible();

  // Undo by keyboard: the notice's button comes after the window's controls in the Tab order.
  const undo = toast.getByRole('button', { name: 'Undo' });
  for (let step = 0; step < 40 && !(await undo.evaluate((button) => button === document.activeElement)); step++) {
    await page.keyboard.press('Tab');
  }
  await expect(undo).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(row(page, 'Delete me later')).toHaveCount(1);
  await mock.close();
});
