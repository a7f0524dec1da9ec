/**
 * Journey: taking conversations elsewhere: one conversation as Markdown from its header, all of them
 * as Nagare JSON, and that file imported into a fresh profile, listed in the sidebar at once.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/test';
import { askAndWait, questions, startJourney } from './support';

async function runCommand(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Type a command or a conversation title' }).fill(name);
  await page.keyboard.press('Enter');
}

test('export one conversation and all of them, then import into a fresh profile: the sidebar lists them at once', async ({
  launch,
}) => {
  const first = await startJourney(launch);
  const { app, page, mock } = first;
  await askAndWait(page, 'お花見の計画を立てて 🌸');
  await page.getByRole('button', { name: 'New chat' }).click();
  await askAndWait(page, 'Pack a bag for Hokkaido');

  const markdown = join(app.userDataDir, 'hokkaido.md');
  app.answerNextDialog('save', markdown);
  await page.getByRole('group', { name: 'Conversation actions' }).getByRole('button', { name: 'Export' }).click();
  await expect(page.getByTestId('toast').filter({ hasText: 'hokkaido.md' })).toBeVisible();
  expect(readFileSync(markdown, 'utf8')).toContain('Pack a bag for Hokkaido');

  const everything = join(app.userDataDir, 'everything.json');
  app.answerNextDialog('save', everything);
  await runCommand(page, 'Import conversations');
  const dialog = page.getByTestId('settings-dialog');
  await dialog.getByRole('button', { name: 'Export all as Nagare JSON' }).click();
  await expect(dialog.getByText(/Saved to .*everything\.json/)).toBeVisible();
  await expect.poll(() => existsSync(everything)).toBe(true);

  // A fresh profile (another computer): import from the Data settings.
  const fresh = await launch();
  fresh.answerNextDialog('open', everything);
  await runCommand(fresh.page, 'Import conversations');
  const freshDialog = fresh.page.getByTestId('settings-dialog');
  await freshDialog.getByRole('button', { name: 'Import…' }).click();
  await expect(freshDialog.getByTestId('import-added')).toHaveText('Imported 2 conversations with 4 messages.');
  await fresh.page.keyboard.press('Escape');
  await expect(freshDialog).toHaveCount(0);
  // Listed at once, without a restart or a click elsewhere.
  const items = fresh.page.getByTestId('conversation-item');
  await expect(items).toHaveCount(2);
  await items.filter({ hasText: 'お花見' }).click();
  await expect(questions(fresh.page).first().getByTestId('message-text')).toHaveText('お花見の計画を立てて 🌸');
  await mock.close();
});
