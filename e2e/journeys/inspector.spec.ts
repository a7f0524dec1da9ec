/**
 * Journey: looking at what the server really sent: Inspect a reply, save its stream as `.sse`,
 * and open that file again from the command palette in one go.
 */
import { join } from 'node:path';
import { expect, test } from '../fixtures/test';
import { askAndWait, startJourney } from './support';

test('inspect a reply, save its stream, and open the saved file from the palette in one go', async ({ launch }) => {
  const { app, page, mock } = await startJourney(launch);
  mock.script({ tokens: 30, reasoning: true });
  const reply = await askAndWait(page, 'Think first, then answer');
  const events = mock.lastResponse?.eventsSent ?? 0;

  await reply.getByRole('button', { name: 'Inspect' }).click();
  const panel = page.getByRole('dialog', { name: 'Stream inspector' });
  await expect(panel.getByTestId('inspector-event-count')).toHaveText(String(events));
  const saved = join(app.userDataDir, 'reply.sse');
  app.answerNextDialog('save', saved);
  await panel.getByTestId('inspector-save').click();
  await expect(panel.getByText(/reply\.sse/)).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(panel).toHaveCount(0);

  // From the palette: the file dialog first, then the panel showing the file; no second click.
  app.answerNextDialog('open', saved);
  await page.keyboard.press('Control+k');
  await page.getByRole('combobox', { name: 'Type a command or a conversation title' }).fill('Open a saved stream');
  await page.keyboard.press('Enter');
  await expect(panel.getByTestId('inspector-event-count')).toHaveText(String(events));
  await expect(panel.getByTestId('inspector-merged')).toHaveText(mock.lastResponse?.textSent ?? '');
  await mock.close();
});
