/**
 * Journey: chatting: a reply streams and shows its figures, Esc stops one, Regenerate and Edit make
 * versions to step through; the figures stay right per reply, per conversation and after a restart.
 */
import { expect, test } from '../fixtures/test';
import { ask, askAndWait, questions, replies, startJourney } from './support';

test('each reply shows its own figures, right after switching conversations and after a restart', async ({
  launch,
}) => {
  const { app, page, mock, userDataDir } = await startJourney(launch);
  mock.script({ tokens: 60 });
  const long = await askAndWait(page, 'A long answer, please');
  const longFigures = long.getByTestId('message-figures');
  await expect(longFigures).toHaveText(/^≈?[\d,]+ tokens · ([\d,]+ tokens\/s · )?first token [\d,]+ ms$/);
  const longText = (await longFigures.textContent())?.trim();

  await page.getByRole('button', { name: 'New chat' }).click();
  mock.script({ text: 'Short.' });
  const short = await askAndWait(page, 'A short one');
  await expect(short.getByTestId('message-figures')).not.toHaveText(longText ?? '');
  const shortText = (await short.getByTestId('message-figures').textContent())?.trim();
  await expect(page.getByTestId('status-usage')).toHaveText(shortText ?? '');

  // Back in the first conversation, the status line shows its reply's figures, not the last stream's.
  await page.getByTestId('conversation-item').filter({ hasText: 'A long answer' }).click();
  await expect(page.getByTestId('status-usage')).toHaveText(longText ?? '');

  await app.close();
  const again = await launch({ userDataDir });
  await again.page.getByTestId('conversation-item').filter({ hasText: 'A long answer' }).click();
  await expect(replies(again.page).last().getByTestId('message-figures')).toHaveText(longText ?? '');
  await expect(again.page.getByTestId('status-usage')).toHaveText(longText ?? '');
  await mock.close();
});

test('stop a reply with Esc, regenerate it, edit the question, and step through the versions', async ({ launch }) => {
  const { page, mock } = await startJourney(launch);
  mock.script({ tokens: 400, rate: 30 });
  await ask(page, 'Explain streams');
  const reply = replies(page).last();
  await expect(reply).toHaveAttribute('data-status', 'streaming');
  await expect
    .poll(async () => ((await reply.getByTestId('message-text').textContent()) ?? '').length)
    .toBeGreaterThan(20);
  await page.keyboard.press('Escape');
  await expect(reply).toHaveAttribute('data-status', 'cancelled');
  await expect(reply.getByText('Stopped')).toBeVisible();
  const stoppedText = await reply.getByTestId('message-text').textContent();

  // Regenerate: a second version; the stopped one stays reachable.
  mock.script({ text: 'A fresh answer about streams.' });
  await reply.getByRole('button', { name: 'Regenerate' }).click();
  await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
  await expect(replies(page).last().getByTestId('version-label')).toHaveText('2 / 2');
  await expect(replies(page).last().getByTestId('message-text')).toHaveText('A fresh answer about streams.');
  await replies(page).last().getByRole('button', { name: 'Previous version' }).click();
  await expect(replies(page).last().getByTestId('version-label')).toHaveText('1 / 2');
  await expect(replies(page).last().getByTestId('message-text')).toHaveText(stoppedText ?? '');
  await replies(page).last().getByRole('button', { name: 'Next version' }).click();
  await expect(replies(page).last().getByTestId('version-label')).toHaveText('2 / 2');

  // Edit the question: a new branch with its own reply; the old question is a version.
  const question = questions(page).last();
  await question.getByRole('button', { name: 'Edit' }).click();
  const editor = page.getByRole('textbox', { name: 'Edit your message' });
  await editor.fill('Explain streams in Japanese: ストリームとは？');
  await editor.press('Enter');
  // A short conversation is at its end: nothing to jump to.
  await expect(page.getByRole('button', { name: /Jump to latest/ })).toHaveCount(0);
  await expect(questions(page).last().getByTestId('message-text')).toHaveText(
    'Explain streams in Japanese: ストリームとは？',
  );
  await expect(questions(page).last().getByTestId('version-label')).toHaveText('2 / 2');
  await expect(replies(page).last()).toHaveAttribute('data-status', 'complete');
  await questions(page).last().getByRole('button', { name: 'Previous version' }).click();
  await expect(questions(page).last().getByTestId('message-text')).toHaveText('Explain streams');
  await expect(replies(page).last().getByTestId('version-label')).toHaveText('2 / 2');
  await expect(page.getByRole('button', { name: /Jump to latest/ })).toHaveCount(0);
  await mock.close();
});
