import AxeBuilder from '@axe-core/playwright';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = `sk-e2e-keyboard-${Date.now().toString(36)}`;
let mock: MockServer;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

const assistant = (page: Page) => page.locator('[data-testid="message"][data-role="assistant"]');
const user = (page: Page) => page.locator('[data-testid="message"][data-role="user"]');

/** Types like a person: into whatever has focus, then Enter. */
async function typeAndSend(page: Page, text: string): Promise<void> {
  await page.keyboard.insertText(text);
  await page.keyboard.press('Enter');
}

// This spec uses the keyboard only: no click, hover or fill.
test('everything by keyboard: chat, stop, regenerate, edit, switch, search, settings, shortcuts', async ({
  launch,
}) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);
  await expect(page.getByTestId('composer')).toBeFocused();

  // Send with Enter.
  await typeAndSend(page, 'First question [[mock:tokens=10 rate=300]]');
  await expect(assistant(page).last()).toHaveAttribute('data-status', 'complete');

  // Stop a slow reply with Esc.
  await typeAndSend(page, 'A long one [[mock:tokens=500 rate=25]]');
  await expect(assistant(page).last()).toHaveAttribute('data-status', 'streaming');
  await expect.poll(async () => ((await assistant(page).last().textContent()) ?? '').length).toBeGreaterThan(40);
  await page.keyboard.press('Escape');
  await expect(assistant(page).last()).toHaveAttribute('data-status', 'cancelled');

  // Regenerate the last reply: a second version.
  await page.keyboard.press('Control+Alt+r');
  await expect(assistant(page).last()).toHaveAttribute('data-status', 'complete', { timeout: 40_000 });
  await expect(assistant(page).last().getByTestId('version-label')).toHaveText('2 / 2');

  // ↑ in the empty composer edits the last message; Enter resends it as a new version.
  await expect(page.getByTestId('composer')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('edit-input')).toBeFocused();
  await page.keyboard.press('Control+a');
  await page.keyboard.insertText('An edited question [[mock:tokens=6 rate=300]]');
  await page.keyboard.press('Enter');
  await expect(user(page).last()).toContainText('An edited question');
  await expect(user(page).last().getByTestId('version-label')).toHaveText('2 / 2');
  await expect(assistant(page).last()).toHaveAttribute('data-status', 'complete');

  // A second conversation, then switch back and forth with Ctrl+Tab.
  await page.keyboard.press('Control+n');
  await expect(page.getByTestId('empty-state')).toBeVisible();
  await expect(page.getByTestId('composer')).toBeFocused();
  await typeAndSend(page, 'Second conversation about walruses [[mock:tokens=6 rate=300]]');
  await expect(assistant(page).last()).toHaveAttribute('data-status', 'complete');
  await expect(page.getByTestId('conversation-title')).toContainText('walruses');
  await page.keyboard.press('Control+Tab');
  await expect(page.getByTestId('conversation-title')).toContainText('First question');
  await page.keyboard.press('Control+Shift+Tab');
  await expect(page.getByTestId('conversation-title')).toContainText('walruses');

  // Search all history and open a hit.
  await page.keyboard.press('Control+f');
  await expect(page.getByTestId('history-search')).toBeFocused();
  await page.keyboard.insertText('edited question');
  await expect(page.getByTestId('search-hit').locator('mark').first()).toHaveText(/edited/i);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('conversation-title')).toContainText('First question');
  await expect(page.getByTestId('composer')).toBeFocused();

  // Settings, closed with Esc.
  await page.keyboard.press('Control+Comma');
  await expect(page.getByTestId('settings-dialog')).toBeVisible();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('settings-tab-defaults')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-dialog')).toHaveCount(0);

  // The shortcut sheet lists the keymap.
  await page.keyboard.press('Control+Slash');
  await expect(page.getByTestId('shortcut-sheet')).toBeVisible();
  await expect(page.getByTestId('shortcut-sheet')).toContainText('Ctrl+Alt+R');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('shortcut-sheet')).toHaveCount(0);

  // The palette runs a command by name.
  await page.keyboard.press('Control+k');
  await expect(page.getByTestId('palette-input')).toBeFocused();
  await page.keyboard.insertText('new chat');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('command-palette')).toHaveCount(0);
  await expect(page.getByTestId('empty-state')).toBeVisible();
});

test('Enter while an IME is composing never sends; the Enter after it does', async ({ launch }) => {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  const { page } = app;
  await setKey(page, KEY);
  const composer = page.getByTestId('composer');
  await composer.focus();

  const sendsDuringComposition = await page.evaluate(() => {
    const box = document.querySelector<HTMLTextAreaElement>('[data-testid="composer"]')!;
    box.dispatchEvent(new CompositionEvent('compositionstart', { bubbles: true, data: '' }));
    box.value = 'にほんご';
    box.dispatchEvent(new InputEvent('input', { bubbles: true, isComposing: true, data: 'にほんご' }));
    const enter = new KeyboardEvent('keydown', {
      key: 'Enter',
      code: 'Enter',
      bubbles: true,
      cancelable: true,
      isComposing: true,
    });
    box.dispatchEvent(enter);
    box.value = '日本語';
    box.dispatchEvent(new InputEvent('input', { bubbles: true, data: '日本語' }));
    box.dispatchEvent(new CompositionEvent('compositionend', { bubbles: true, data: '日本語' }));
    return enter.defaultPrevented;
  });
  expect(sendsDuringComposition).toBe(false);
  await expect(composer).toHaveValue('日本語');

  // The Enter after it sends. A send the composing Enter had started would have reached the server
  // first, so once this reply is complete, one request and one message prove that it sent nothing.
  await page.keyboard.press('Enter');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]')).toHaveAttribute(
    'data-status',
    'complete',
  );
  await expect(user(page)).toHaveCount(1);
  await expect(user(page).first()).toContainText('日本語');
  await expect(composer).toHaveValue('');
  const sent = mock.requests.filter((request) => request.path.endsWith('/chat/completions'));
  expect(sent).toHaveLength(1);
  expect(sent[0]!.body).toContain('日本語');
  expect(sent[0]!.body).not.toContain('にほんご');
});

for (const theme of ['light', 'dark'] as const) {
  for (const language of ['en', 'ja'] as const) {
    test(`axe finds no serious or critical problem on the main screens (${theme}, ${language})`, async ({ launch }) => {
      // Fourteen full-page scans, each a few seconds on a busy machine.
      test.slow();
      const userDataDir = seedMockProvider(mock.url);
      const settingsPath = join(userDataDir, 'settings.json');
      writeFileSync(settingsPath, JSON.stringify({ ...JSON.parse(readFileSync(settingsPath, 'utf8')), language }));
      const app = await launch({ userDataDir, locale: language === 'ja' ? 'ja-JP' : 'en-US' });
      const { page } = app;
      await setKey(page, KEY);
      await page.keyboard.press('Control+Comma');
      await page.getByTestId('settings-tab-appearance').click();
      await page.getByTestId(`theme-${theme}`).check();
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await page.keyboard.press('Escape');

      await typeAndSend(page, 'Show me markdown [[mock:markdown tokens=120 rate=600 reasoning]]');
      await expect(assistant(page).last()).toHaveAttribute('data-status', 'complete');
      await typeAndSend(page, 'And a refusal [[mock:fault=429 retryAfter=30]]');
      await expect(page.getByTestId('error-notice')).toBeVisible();

      const scan = async (where: string) => {
        const results = await new AxeBuilder({ page }).analyze();
        const serious = results.violations.filter(
          (violation) => violation.impact === 'serious' || violation.impact === 'critical',
        );
        const described = serious.map(
          (violation) =>
            `${where}: ${violation.id} ${violation.help}: ${violation.nodes.map((node) => `${node.target.join(' ')} ${node.failureSummary ?? ''}`).join(' | ')}`,
        );
        expect(described).toEqual([]);
      };
      await scan('chat view with an error');
      // The hover actions, shown by keyboard focus.
      await assistant(page).first().getByTestId('copy-message').focus();
      await scan('message actions');
      await page.keyboard.press('Control+Comma');
      await expect(page.getByTestId('settings-dialog')).toBeVisible();
      for (const tab of ['providers', 'defaults', 'appearance', 'shortcuts', 'tools', 'data']) {
        await page.getByTestId(`settings-tab-${tab}`).click();
        await scan(`settings ${tab}`);
      }
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+k');
      await expect(page.getByTestId('command-palette')).toBeVisible();
      await scan('palette');
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Slash');
      await expect(page.getByTestId('shortcut-sheet')).toBeVisible();
      await scan('shortcut sheet');
      await page.keyboard.press('Escape');
      // A sidebar row's actions (hovered) and its menu.
      const row = page.getByTestId('conversation-item').first();
      await row.hover();
      await expect(row.getByTestId('row-more')).toBeVisible();
      await scan('sidebar row actions');
      await row.click({ button: 'right', position: { x: 40, y: 10 } });
      await expect(page.getByTestId('conversation-menu')).toBeVisible();
      await scan('sidebar row menu');
      await page.keyboard.press('Escape');
      // The smallest window, with the header's More menu open.
      await page.setViewportSize({ width: 640, height: 420 });
      await page.getByTestId('conversation-more').click();
      await expect(page.getByTestId('conversation-more-menu')).toBeVisible();
      await scan('header More menu at 640 px');
    });
  }
}
