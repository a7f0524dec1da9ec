/**
 * Journey: searching all history in English and Japanese: the count says when there are more hits
 * than shown, Show more fetches them, and opening a hit keeps the query and its results.
 */
import { seedLongConversation } from '../fixtures/seedHistory';
import { expect, test } from '../fixtures/test';
import { askAndWait, startJourney } from './support';

test('search English and Japanese, see "50+ matches", show more, and open hits one after another', async ({
  launch,
}) => {
  const { page, mock } = await startJourney(launch, {
    seed: (userDataDir) => seedLongConversation(userDataDir, 140, 'Seventy questions 七十の質問'),
  });
  await page.getByTestId('conversation-item').first().waitFor();
  await askAndWait(page, 'The quick brown fox jumps over the lazy dog');

  const search = page.getByRole('searchbox', { name: 'Search all history' });
  const status = page.getByTestId('search-status');
  const hits = page.getByRole('listbox', { name: 'Search results' }).getByRole('option');
  await search.fill('Question');
  await expect(status).toHaveText('50+ matches');
  await expect(hits).toHaveCount(50);
  await page.getByRole('button', { name: 'Show more' }).click();
  await expect(status).toHaveText('70 matches');
  await expect(hits).toHaveCount(70);
  await expect(page.getByRole('button', { name: 'Show more' })).toHaveCount(0);

  // Opening a hit keeps the query and the results, so the next one is a click away.
  await hits.nth(3).click();
  await expect(page.getByTestId('conversation-title')).toHaveText('Seventy questions 七十の質問');
  await expect(page.getByTestId('composer')).toBeFocused();
  await expect(search).toHaveValue('Question');
  await expect(hits).toHaveCount(70);
  // Opened at a message far from the end: the way back is offered, and taken.
  const jump = page.getByRole('button', { name: /Jump to latest/ });
  await jump.click();
  await expect(jump).toHaveCount(0);
  await hits.nth(10).click();
  await expect(search).toHaveValue('Question');

  // Japanese substrings, highlighted as found.
  await search.fill('思います');
  await expect(status).toHaveText('50+ matches');
  await expect(hits.first().locator('mark')).toHaveText('思います');

  // An English word from a conversation written through the window.
  await search.fill('brown');
  // The question, and the reply that echoed it.
  await expect(status).toHaveText('2 matches');
  await hits.first().click();
  await expect(page.getByTestId('conversation-title')).toContainText('The quick brown fox');
  await expect(search).toHaveValue('brown');

  // Esc in the search box clears it and the conversation list is back.
  await search.press('Escape');
  await expect(search).toHaveValue('');
  await expect(page.getByTestId('conversation-item')).toHaveCount(2);
  await mock.close();
});
