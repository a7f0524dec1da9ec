/**
 * Journey: choosing a conversation's model, system prompt and parameters, before the first message
 * and afterwards, and seeing them used and kept.
 */
import { expect, test } from '../fixtures/test';
import { askAndWait, lastRequestBody, startJourney } from './support';

test('settings are chosen before the first message, saved as numbers, checked, and used', async ({ launch }) => {
  const { page, mock } = await startJourney(launch);
  const settingsButton = page.getByRole('button', { name: 'Conversation settings' });

  // Before the first message, as in every chat client: pick a system prompt and parameters up front.
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await settingsButton.click();
  const form = page.getByRole('form', { name: 'Settings for this new chat' });
  await form.getByLabel('System prompt').fill('Answer like a pirate. 海賊のように答えて。');
  await form.getByLabel('Temperature').fill('0.7');
  await form.getByLabel('Max tokens').fill('256');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form).toBeHidden();
  await expect(page.getByRole('alert')).toHaveCount(0);

  await askAndWait(page, 'Hello there');
  const first = lastRequestBody(mock);
  expect(first.messages).toEqual([
    { role: 'system', content: 'Answer like a pirate. 海賊のように答えて。' },
    { role: 'user', content: 'Hello there' },
  ]);
  expect(first.temperature).toBe(0.7);
  expect(first.max_tokens).toBe(256);

  // The conversation keeps them: the form shows them again, and a change is saved as numbers.
  await settingsButton.click();
  const saved = page.getByRole('form', { name: 'Conversation settings' });
  await expect(saved.getByLabel('Temperature')).toHaveValue('0.7');
  await expect(saved.getByLabel('Max tokens')).toHaveValue('256');
  await saved.getByLabel('Temperature').fill('1.2');
  await saved.getByLabel('Max tokens').fill('1000');
  await saved.getByRole('button', { name: 'Save' }).click();
  await expect(saved).toBeHidden();
  await askAndWait(page, 'Again');
  expect(lastRequestBody(mock).temperature).toBe(1.2);
  expect(lastRequestBody(mock).max_tokens).toBe(1000);

  // Out of range: said in words next to the form, nothing saved, the form stays open.
  await settingsButton.click();
  await saved.getByLabel('Temperature').fill('5');
  await saved.getByRole('button', { name: 'Save' }).click();
  await expect(saved.getByRole('alert')).toHaveText('Temperature is a number from 0 to 2.');
  await expect(saved.getByLabel('Temperature')).toHaveAttribute('aria-invalid', 'true');
  await saved.getByLabel('Temperature').fill('');
  await saved.getByLabel('Max tokens').fill('2.5');
  await saved.getByRole('button', { name: 'Save' }).click();
  await expect(saved.getByRole('alert')).toHaveText('Max tokens is a whole number from 1 to 1,000,000.');
  await saved.getByRole('button', { name: 'Cancel' }).click();
  await settingsButton.click();
  await expect(saved.getByLabel('Temperature')).toHaveValue('1.2');

  // Emptied, a parameter goes back to the provider's default: it is not sent at all.
  await saved.getByLabel('Temperature').fill('');
  await saved.getByLabel('Max tokens').fill('');
  await saved.getByRole('button', { name: 'Save' }).click();
  await expect(saved).toBeHidden();
  await askAndWait(page, 'Third');
  expect(lastRequestBody(mock)).not.toHaveProperty('temperature');
  expect(lastRequestBody(mock)).not.toHaveProperty('max_tokens');
  await mock.close();
});
