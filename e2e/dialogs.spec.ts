/**
 * Every dialog keeps the keyboard inside: 30 presses of Tab (and of Shift+Tab) never leave it, and Esc
 * closes it and gives the focus back to the control that opened it.
 */
import type { Page } from '@playwright/test';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, sendMessage, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = 'sk-e2e-dialogs-0123456789abcdef';
const MOD = process.platform === 'darwin' ? 'Meta' : 'Control';
let mock: MockServer;
test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

/** Where the focus is: inside the dialog with this test id, or the tag and test id of what has it. */
function focusPlace(page: Page, dialogTestId: string): Promise<string> {
  return page.evaluate((id) => {
    const active = document.activeElement;
    const dialog = document.querySelector(`[data-testid="${id}"]`);
    if (dialog && active && dialog.contains(active)) return 'inside';
    return `${active?.tagName ?? 'none'}#${active?.getAttribute('data-testid') ?? ''}`;
  }, dialogTestId);
}

async function tabAround(page: Page, dialogTestId: string): Promise<void> {
  for (const key of ['Tab', 'Shift+Tab']) {
    const places = new Set<string>();
    for (let press = 0; press < 30; press++) {
      await page.keyboard.press(key);
      places.add(await focusPlace(page, dialogTestId));
    }
    expect({ dialogTestId, key, places: [...places] }).toEqual({ dialogTestId, key, places: ['inside'] });
  }
}

test('focus stays inside every dialog over 30 Tabs and returns to its opener on Esc', async ({ launch }) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);
  await sendMessage(page, 'Hello [[mock:tokens=5]]');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'complete');

  const composer = page.getByTestId('composer');
  const openers: Array<{ id: string; open: () => Promise<void>; opener: () => ReturnType<Page['locator']> }> = [
    { id: 'settings-dialog', open: () => page.keyboard.press(`${MOD}+Comma`), opener: () => composer },
    { id: 'command-palette', open: () => page.keyboard.press(`${MOD}+KeyK`), opener: () => composer },
    { id: 'shortcut-sheet', open: () => page.keyboard.press(`${MOD}+Slash`), opener: () => composer },
    {
      id: 'inspector-panel',
      open: async () => {
        await reply.getByTestId('inspect-message').focus();
        await page.keyboard.press('Enter');
      },
      opener: () => reply.getByTestId('inspect-message'),
    },
  ];
  for (const dialog of openers) {
    await composer.focus();
    await dialog.open();
    await expect(page.getByTestId(dialog.id)).toBeVisible();
    await tabAround(page, dialog.id);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId(dialog.id)).toHaveCount(0);
    await expect(dialog.opener()).toBeFocused();
  }

  // Each tab of Settings, Appearance among them, where the focus used to reach the page behind.
  await composer.focus();
  await page.keyboard.press(`${MOD}+Comma`);
  for (const tab of ['providers', 'defaults', 'appearance', 'shortcuts', 'data']) {
    await page.getByTestId(`settings-tab-${tab}`).click();
    await tabAround(page, 'settings-dialog');
  }
  await page.keyboard.press('Escape');
  await expect(composer).toBeFocused();
});
