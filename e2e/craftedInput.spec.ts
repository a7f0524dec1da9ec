import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures/test';

test('a crafted .sse file gets a clear error in the inspector, and a good one opens after it', async ({ app }) => {
  const { page } = app;
  const crafted = join(app.userDataDir, 'crafted.sse');
  writeFileSync(
    crafted,
    ': nagare-meta {"keyEnvVar": 42, "request": 5}\n\ndata: {"choices":[{"delta":{"content":"x"}}]}\n\n',
  );
  const good = join(app.userDataDir, 'good.sse');
  writeFileSync(
    good,
    ': nagare-meta {"keyEnvVar": "GROQ_API_KEY", "extra": {"ignored": true}}\n\n' +
      'data: {"choices":[{"delta":{"content":"こんにちは"}}]}\n\ndata: {"choices":[{"delta":{"content":" 🌊"}}]}\n\ndata: [DONE]\n\n',
  );

  await page.keyboard.press('Control+k');
  await page.keyboard.insertText('saved stream');
  app.answerNextDialog('open', crafted);
  await page.keyboard.press('Enter');
  const panel = page.getByTestId('inspector-panel');
  await expect(panel).toBeVisible();
  await panel.getByTestId('inspector-open').click();
  const error = panel.getByTestId('inspector-error');
  await expect(error).toHaveAttribute('data-code', 'import_invalid');
  await expect(error).toContainText('“crafted.sse” is not a stream file Nagare can open.');
  await expect(error).not.toContainText('import_invalid');
  await expect(error).toContainText('request');
  await expect(error).toContainText('keyEnvVar');

  // The inspector keeps working.
  app.answerNextDialog('open', good);
  await panel.getByTestId('inspector-open').click();
  await expect(panel.getByTestId('inspector-error')).toHaveCount(0);
  await expect(panel.getByTestId('inspector-event-count')).toHaveText('3');
  await expect(panel.getByTestId('inspector-merged')).toHaveText('こんにちは 🌊');
});
