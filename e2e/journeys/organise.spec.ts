/**
 * Journey: keeping conversations and messages in order: pin, rename, delete and Undo, for
 * conversations and for single messages.
 */
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/test';
import { askAndWait, questions, replies, startJourney } from './support';

const header = (page: Page) => page.getByRole('group', { name: 'Conversation actions' });
const sidebarItem = (page: Page, title: RegExp | string) =>
  page.getByTestId('conversation-item').filter({ hasText: title });

test('pin follows every click, from the header and the palette, after switching away and back', async ({ launch }) => {
  const { page, mock } = await startJourney(launch);
  await askAndWait(page, 'Alpha question');
  await page.getByRole('button', { name: 'New chat' }).click();
  await askAndWait(page, 'Beta question');

  const beta = sidebarItem(page, 'Beta question');
  await header(page).getByRole('button', { name: 'Pin', exact: true }).click();
  await expect(header(page).getByRole('button', { name: 'Unpin' })).toBeVisible();
  await expect(beta.getByLabel('Pinned')).toBeVisible();

  await header(page).getByRole('button', { name: 'Unpin' }).click();
  await expect(header(page).getByRole('button', { name: 'Pin', exact: true })).toBeVisible();
  await expect(beta.getByLabel('Pinned')).toHaveCount(0);

  // Away and back: the header says what the sidebar says, and the next click acts.
  await header(page).getByRole('button', { name: 'Pin', exact: true }).click();
  await sidebarItem(page, 'Alpha question').click();
  await expect(header(page).getByRole('button', { name: 'Pin', exact: true })).toBeVisible();
  await beta.click();
  await expect(header(page).getByRole('button', { name: 'Unpin' })).toBeVisible();
  await header(page).getByRole('button', { name: 'Unpin' }).click();
  await expect(header(page).getByRole('button', { name: 'Pin', exact: true })).toBeVisible();
  await expect(beta.getByLabel('Pinned')).toHaveCount(0);

  // The palette command toggles the same state.
  for (const expected of ['Unpin', 'Pin']) {
    await page.keyboard.press('Control+k');
    await page.getByRole('combobox', { name: 'Type a command or a conversation title' }).fill('Pin or unpin');
    await page.keyboard.press('Enter');
    await expect(header(page).getByRole('button', { name: expected, exact: true })).toBeVisible();
  }
  await expect(beta.getByLabel('Pinned')).toHaveCount(0);
  await mock.close();
});

test('rename and delete a conversation with Undo; delete a message alone or with its replies, with Undo', async ({
  launch,
}) => {
  const { page, mock } = await startJourney(launch);
  await askAndWait(page, 'First question');
  await askAndWait(page, 'Second question');
  await expect(questions(page)).toHaveCount(2);

  // Rename from the header.
  await header(page).getByRole('button', { name: 'Rename' }).click();
  const title = page.getByRole('textbox', { name: 'New title' });
  await title.fill('旅行の計画 ✈️');
  await title.press('Enter');
  await expect(page.getByTestId('conversation-title')).toHaveText('旅行の計画 ✈️');

  // The last reply has nothing below it: it goes at once, and Undo brings it back.
  const lastReply = replies(page).nth(1);
  await lastReply.hover();
  await lastReply.getByRole('button', { name: 'Delete' }).click();
  await expect(replies(page)).toHaveCount(1);
  const toast = page.getByTestId('toast').filter({ hasText: 'Message deleted' });
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(replies(page)).toHaveCount(2);

  // A question with a reply below asks first; Esc keeps everything.
  const second = questions(page).nth(1);
  await second.hover();
  await second.getByRole('button', { name: 'Delete' }).click();
  const confirm = second.getByRole('group', { name: 'Delete the messages below too?' });
  await expect(confirm.getByRole('button', { name: 'Only this message' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(questions(page)).toHaveCount(2);

  // Only the question: its reply stays, under a marker; the model no longer sees the question.
  await second.getByRole('button', { name: 'Delete' }).click();
  await confirm.getByRole('button', { name: 'Only this message' }).click();
  await expect(second.getByTestId('message-deleted')).toHaveText('This message was deleted.');
  await expect(replies(page)).toHaveCount(2);
  await page.getByTestId('toast').filter({ hasText: 'Message deleted' }).getByRole('button', { name: 'Undo' }).click();
  await expect(second.getByTestId('message-text')).toHaveText('Second question');

  // With its reply: both go, and Undo brings both.
  await second.getByRole('button', { name: 'Delete' }).click();
  await confirm.getByRole('button', { name: 'This and the message below' }).click();
  await expect(questions(page)).toHaveCount(1);
  await expect(replies(page)).toHaveCount(1);
  await page
    .getByTestId('toast')
    .filter({ hasText: '2 messages deleted' })
    .getByRole('button', { name: 'Undo' })
    .click();
  await expect(questions(page)).toHaveCount(2);
  await expect(replies(page)).toHaveCount(2);

  // The conversation itself: Delete, then Undo from the notice brings it back and opens it.
  await header(page).getByRole('button', { name: 'Delete' }).click();
  await expect(sidebarItem(page, '旅行の計画')).toHaveCount(0);
  await page.getByTestId('toast').filter({ hasText: '旅行の計画' }).getByRole('button', { name: 'Undo' }).click();
  await expect(sidebarItem(page, '旅行の計画')).toHaveCount(1);
  await expect(page.getByTestId('conversation-title')).toHaveText('旅行の計画 ✈️');
  await expect(questions(page)).toHaveCount(2);
  await mock.close();
});
