/**
 * Journeys: what was typed is never lost: drafts per conversation across switching and a restart;
 * offline, a message is refused in words and kept, and goes once the network is back.
 */
import { expect, test } from '../fixtures/test';
import { nonLoopbackAddress } from '../fixtures/mockServer';
import { askAndWait, questions, replies, startJourney } from './support';

test('drafts stay with their conversation, across switching and a restart', async ({ launch }) => {
  const { app, page, mock, userDataDir } = await startJourney(launch);
  const composer = page.getByRole('textbox', { name: 'Message', exact: true });
  await askAndWait(page, 'Conversation one');
  await composer.fill('Half a thought about 桜…');
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(composer).toHaveValue('');
  await composer.fill('A new chat, not sent yet');

  await page.getByTestId('conversation-item').filter({ hasText: 'Conversation one' }).click();
  await expect(composer).toHaveValue('Half a thought about 桜…');

  await app.close();
  const again = await launch({ userDataDir });
  const reopened = again.page.getByRole('textbox', { name: 'Message', exact: true });
  await again.page.getByTestId('conversation-item').filter({ hasText: 'Conversation one' }).click();
  await expect(reopened).toHaveValue('Half a thought about 桜…');
  await again.page.getByRole('button', { name: 'New chat' }).click();
  await expect(reopened).toHaveValue('A new chat, not sent yet');
  await mock.close();
});

test('offline: the message is refused in words and kept; back online it goes', async ({ launch }) => {
  // A provider on another machine, as every hosted one is: the mock listens on this machine's network address.
  const { app, page, mock } = await startJourney(launch, { mockHost: nonLoopbackAddress() });
  const composer = page.getByRole('textbox', { name: 'Message', exact: true });
  app.control({ type: 'network', online: false });
  await expect(page.getByTestId('status-bar')).toContainText('Offline');
  await composer.fill('Sent while offline オフライン');
  await composer.press('Enter');
  // Said once, by the notice under the box, not again by an error beside it.
  await expect(page.getByTestId('offline-notice')).toContainText(/offline/i);
  await expect(page.getByRole('alert').filter({ hasText: /offline/i })).toHaveCount(0);
  await expect(composer).toHaveValue('Sent while offline オフライン');
  expect(mock.requests.filter((request) => request.path.includes('chat/completions'))).toHaveLength(0);

  app.control({ type: 'network', online: true });
  await expect(page.getByTestId('status-bar')).toContainText('Online');
  await expect(page.getByTestId('offline-notice')).toHaveCount(0);
  await composer.press('Enter');
  await expect(questions(page).last().getByTestId('message-text')).toHaveText('Sent while offline オフライン');
  await expect(composer).toHaveValue('');
  await mock.close();
});

test('offline, a server on this computer still answers, and nothing says otherwise', async ({ launch }, testInfo) => {
  // The mock on 127.0.0.1 is a custom provider, as a llama.cpp or vLLM server would be.
  const { app, page, mock } = await startJourney(launch);
  app.control({ type: 'network', online: false });
  await expect(page.getByTestId('status-bar')).toContainText('Offline');
  await expect(page.getByTestId('offline-notice')).toHaveCount(0);
  await askAndWait(page, 'Offline, to my own server [[mock:text=ローカルで動いています]]');
  await expect(replies(page).last().getByTestId('message-text')).toHaveText('ローカルで動いています');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('offline-local-server.png') });
  await mock.close();
});
