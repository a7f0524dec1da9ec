/**
 * Journey: when a reply fails or is cut short: the rate limit's wait as the server said it, kept
 * across reopening and a restart; Retry keeps the failed try reachable; Continue after Stop and
 * after a dropped connection appends to the kept text.
 */
import type { Locator } from '@playwright/test';
import { expect, test } from '../fixtures/test';
import { ask, lastRequestBody, replies, startJourney } from './support';

/** The seconds a "Retry in N s" button shows; 0 once it says plain "Retry". */
async function secondsLeft(retry: Locator): Promise<number> {
  const label = (await retry.textContent())?.trim() ?? '';
  return label === 'Retry' ? 0 : Number(/Retry in (\d+) s/.exec(label)?.[1] ?? NaN);
}

test('a rate limit counts down from what the server said, across reopening and a restart, then Retry works', async ({
  launch,
}) => {
  const { app, page, mock, userDataDir } = await startJourney(launch);
  mock.script({ fault: 429, retryAfter: 6 });
  await ask(page, 'Plan a weekend in Kyoto');
  const notice = replies(page).last().getByTestId('error-notice');
  await expect(notice).toHaveAttribute('data-code', 'rate_limited');
  const retry = notice.getByRole('button', { name: /^Retry/ });
  await expect(retry).toHaveText(/Retry in \d+ s/);
  await expect(retry).toBeDisabled();
  expect(await secondsLeft(retry)).toBeLessThanOrEqual(6);
  // Let it count down a little, so that starting again would show.
  await expect(retry).toHaveText(/Retry in [1-4] s/, { timeout: 15_000 });

  // Away and back: the countdown goes on, it does not start again.
  await page.getByRole('button', { name: 'New chat' }).click();
  await page.getByTestId('conversation-item').first().click();
  expect(await secondsLeft(notice.getByRole('button', { name: /^Retry/ }))).toBeLessThanOrEqual(4);

  // After a restart too.
  await app.close();
  const again = await launch({ userDataDir });
  await again.page.getByTestId('conversation-item').first().click();
  const reopened = replies(again.page)
    .last()
    .getByTestId('error-notice')
    .getByRole('button', { name: /^Retry/ });
  await expect(reopened).toBeVisible();
  expect(await secondsLeft(reopened)).toBeLessThanOrEqual(4);
  await expect(reopened).toHaveText('Retry', { timeout: 15_000 });
  await reopened.click();
  const reply = replies(again.page).last();
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });
  // The failed try is a version of its own, still reachable.
  await expect(reply.getByTestId('version-label')).toHaveText('2 / 2');
  await reply.getByRole('button', { name: 'Previous version' }).click();
  await expect(replies(again.page).last().getByTestId('error-notice')).toHaveAttribute('data-code', 'rate_limited');
  await mock.close();
});

test('Continue after Stop and after a dropped connection appends to the kept text', async ({ launch }) => {
  const { page, mock } = await startJourney(launch);
  const story = Array.from({ length: 200 }, (_, index) => `word${index}`).join(' ');
  mock.script({ text: story, rate: 40 });
  await ask(page, 'Tell me a long story');
  const reply = replies(page).last();
  const text = reply.getByTestId('message-text');
  await expect.poll(async () => ((await text.textContent()) ?? '').split(/\s+/).length).toBeGreaterThan(10);
  await page.keyboard.press('Escape');
  await expect(reply).toHaveAttribute('data-status', 'cancelled');
  const kept = ((await text.textContent()) ?? '').trim();

  await reply.getByRole('button', { name: 'Continue' }).click();
  await expect(reply).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });
  const finished = ((await text.textContent()) ?? '').trim();
  expect(finished.startsWith(kept)).toBe(true);
  expect(finished.length).toBeGreaterThan(kept.length);
  const body = lastRequestBody(mock) as { messages: Array<{ role: string; content: string }> };
  expect(body.messages.at(-2)).toEqual({ role: 'assistant', content: kept });
  expect(body.messages.at(-1)?.role).toBe('user');

  // The connection drops part-way: the partial text stays with the error, and Continue goes on from it.
  mock.script({ text: story, fault: 'drop', after: 8 });
  await ask(page, 'Another one');
  const dropped = replies(page).last();
  const notice = dropped.getByTestId('error-notice');
  await expect(notice).toBeVisible({ timeout: 30_000 });
  const partial = ((await dropped.getByTestId('message-text').textContent()) ?? '').trim();
  expect(partial.length).toBeGreaterThan(0);
  await notice.getByRole('button', { name: 'Continue' }).click();
  await expect(dropped).toHaveAttribute('data-status', 'complete', { timeout: 30_000 });
  expect(((await dropped.getByTestId('message-text').textContent()) ?? '').trim().startsWith(partial)).toBe(true);
  await expect(dropped.getByTestId('version-label')).toHaveCount(0);
  await mock.close();
});
