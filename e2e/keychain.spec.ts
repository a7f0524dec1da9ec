import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { LaunchedApp } from './fixtures/launchApp';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { rememberKeychainAccount, sendMessage } from './fixtures/seed';
import { expect, test } from './fixtures/test';

// Unique per run, so that finding them anywhere can only mean Nagare leaked them.
const CANARY = `sk-canary-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
const WRONG_KEY = `sk-wrong-${Math.random().toString(36).slice(2, 14)}`;
const PROVIDER_NAME = `Mock ${Math.random().toString(36).slice(2, 8)}`;
let mock: MockServer;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: CANARY });
});
test.afterEach(async () => {
  await mock.close();
});

/**
 * Adds the mock server as a custom provider through Settings, by keyboard and form fields, and
 * answers the id main minted for it, which is its keychain account.
 */
async function addMockProvider(page: Page): Promise<string> {
  await expect(page.getByTestId('setup-lead')).toBeVisible();
  await page.getByTestId('open-provider-setup').click();
  await expect(page.getByTestId('settings-dialog')).toBeVisible();
  await page.getByTestId('provider-preset').selectOption('custom');
  await page.getByTestId('provider-name').fill(PROVIDER_NAME);
  await page.getByTestId('provider-base-url').fill(mock.url);
  await page.getByTestId('provider-model').fill('mock-gpt');
  await page.getByTestId('provider-save').click();
  await expect(page.getByTestId('provider-row')).toHaveCount(1);
  const id = await page.getByTestId('provider-row').getAttribute('data-provider-id');
  expect(id).toMatch(/^mock-[a-z0-9]+-[0-9a-f]{8}$/);
  rememberKeychainAccount(id!);
  return id!;
}

async function storeKey(page: Page, key: string): Promise<void> {
  const row = page.getByTestId('provider-row');
  await row.getByTestId('provider-key').fill(key);
  await row.getByTestId('provider-key-save').click();
  await expect(row.getByTestId('provider-key')).toHaveValue('');
  await expect(row.getByTestId('provider-key-status')).toContainText(key.slice(-4));
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Everything the page can reach through window.nagare that reads state, as JSON text. */
async function everythingTheBridgeAnswers(page: Page, providerId: string): Promise<string> {
  return page.evaluate(async (providerId) => {
    const api = window.nagare;
    const answers: unknown[] = [
      await api.app.info(),
      await api.settings.get(),
      await api.providers.list(),
      await api.providers.presets(),
      await api.secrets.status(),
      await api.secrets.verify({ providerId }),
      await api.providers.models({ providerId }),
      await api.inspector.storage(),
    ];
    const list = await api.history.list({ limit: 100 });
    answers.push(list);
    if (list.ok) {
      for (const conversation of list.value.items) {
        const opened = await api.history.open({ conversationId: conversation.id, limit: 100 });
        answers.push(opened);
        if (opened.ok) {
          for (const message of opened.value.messages) answers.push(await api.inspector.log({ messageId: message.id }));
        }
        answers.push(await api.drafts.get({ key: conversation.id }));
      }
    }
    answers.push(await api.history.search({ query: 'mock' }));
    return JSON.stringify(answers);
  }, providerId);
}

async function expectNoSecretAnywhere(app: LaunchedApp, secrets: string[], providerId: string): Promise<void> {
  const places: Array<[string, string]> = [
    ['the DOM', await app.page.content()],
    ['window.nagare answers', await everythingTheBridgeAnswers(app.page, providerId)],
    ['IPC messages sent to the page', JSON.stringify(await app.ipcRecords())],
  ];
  for (const file of filesUnder(app.userDataDir)) places.push([file, readFileSync(file).toString('latin1')]);
  for (const secret of secrets) {
    for (const [where, text] of places) {
      const at = text.indexOf(secret);
      expect(at, `${secret.slice(0, 9)}… found in ${where}: …${text.slice(Math.max(0, at - 200), at)}`).toBe(-1);
    }
  }
}

test('a key entered in Settings is verified, kept in the keychain, used for chat, and a bad key offers a fix', async ({
  app,
}) => {
  const { page } = app;
  const providerId = await addMockProvider(page);
  await storeKey(page, CANARY);

  // The real Secret Service holds exactly what was typed, under service Nagare, account = provider id.
  const stored = execFileSync('secret-tool', ['lookup', 'service', 'Nagare', 'account', providerId], {
    encoding: 'utf8',
  });
  expect(stored.trim()).toBe(CANARY);

  const row = page.getByTestId('provider-row');
  await row.getByTestId('provider-verify').click();
  await expect(row.getByTestId('provider-verify-result').locator('.ok-text')).toBeVisible();
  expect(mock.requests.at(-1)?.path).toMatch(/\/models$/);

  await page.keyboard.press('Escape');
  await expect(page.getByTestId('settings-dialog')).toHaveCount(0);
  await sendMessage(page, 'Hello through the keychain [[mock:tokens=12 rate=300]]');
  const reply = page.locator('[data-testid="message"][data-role="assistant"]').last();
  await expect(reply).toHaveAttribute('data-status', 'complete');
  expect(mock.requests.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY}`);

  // An export, written where the user chose.
  const exportPath = join(app.userDataDir, 'export.json');
  app.answerNextDialog('save', exportPath);
  const exported = await page.evaluate(() => window.nagare.history.export({ conversationId: null, format: 'json' }));
  expect(exported).toEqual({ ok: true, value: { savedTo: exportPath } });
  expect(readFileSync(exportPath, 'utf8')).toContain('Hello through the keychain');

  // A key the server refuses: the reply fails with `auth` and the UI offers to fix the key.
  await page.keyboard.press('Control+Comma');
  await storeKey(page, WRONG_KEY);
  await page.keyboard.press('Escape');
  await sendMessage(page, 'And now with the wrong key');
  const notice = page.getByTestId('error-notice');
  await expect(notice).toHaveAttribute('data-code', 'auth');
  await notice.getByTestId('fix-key').click();
  await expect(page.getByTestId('settings-dialog')).toBeVisible();
  await expect(page.getByTestId('provider-row')).toBeVisible();

  // The canary: neither key appears anywhere the renderer can reach, nor in any file Nagare wrote.
  await expectNoSecretAnywhere(app, [CANARY, WRONG_KEY], providerId);
});

test('without a Secret Service the problem is named and a session-only key still works', async ({ launch }) => {
  const app = await launch({ env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/nagare-bus', DISPLAY: '' } });
  const { page } = app;
  const providerId = await addMockProvider(page);
  const problem = page.getByTestId('keychain-problem');
  await expect(problem).toBeVisible();
  await expect(problem).toContainText(/GNOME Keyring|KWallet/);

  const row = page.getByTestId('provider-row');
  await row.getByTestId('provider-key').fill(CANARY);
  await row.getByTestId('provider-key-save').click();
  // Never a silent fallback: without the explicit choice nothing is stored.
  await expect(row.getByTestId('provider-key-error')).toBeVisible();
  await row.getByTestId('provider-session-only').check();
  await row.getByTestId('provider-key').fill(CANARY);
  await row.getByTestId('provider-key-save').click();
  await expect(row.getByTestId('provider-key-status')).toContainText(CANARY.slice(-4));

  await page.keyboard.press('Escape');
  await sendMessage(page, 'Session only [[mock:tokens=8 rate=300]]');
  await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toHaveAttribute(
    'data-status',
    'complete',
  );
  await expectNoSecretAnywhere(app, [CANARY], providerId);
});

test('changing a provider’s server deletes its key first, so the old key never reaches the new host', async ({
  app,
}) => {
  const { page } = app;
  const providerId = await addMockProvider(page);
  await storeKey(page, CANARY);
  const row = page.getByTestId('provider-row');
  await row.getByTestId('provider-verify').click();
  await expect(row.getByTestId('provider-verify-result').locator('.ok-text')).toBeVisible();
  expect(mock.requests.at(-1)?.headers.authorization).toBe(`Bearer ${CANARY}`);

  // Another server: another port on this machine is another origin. It records every header it is sent.
  const newHost = await startMockServer();
  try {
    await row.getByTestId('provider-edit').click();
    await row.getByTestId('provider-base-url').fill(newHost.url);
    const warning = row.getByTestId('provider-origin-warning');
    await expect(warning).toContainText(new URL(newHost.url).origin);
    await expect(warning).toContainText('will be deleted');
    await expect(row.getByTestId('provider-save')).toHaveText('Save and delete key');
    await row.getByTestId('provider-save').click();
    await expect(row.locator('.url')).toHaveText(newHost.url);
    await expect(row.getByTestId('provider-key-status')).toHaveText('No key set');
    // Gone from the real keychain too.
    expect(() =>
      execFileSync('secret-tool', ['lookup', 'service', 'Nagare', 'account', providerId], { stdio: 'pipe' }),
    ).toThrow();

    // Whatever is asked of the new host now, it never sees the old key.
    await row.getByTestId('provider-verify').click();
    await expect(row.getByTestId('provider-verify-result')).not.toHaveText('');
    await page.keyboard.press('Escape');
    await sendMessage(page, 'Where does this go? [[mock:tokens=5 rate=300]]');
    await expect(page.locator('[data-testid="message"][data-role="assistant"]').last()).toHaveAttribute(
      'data-status',
      'complete',
    );
    expect(newHost.requests.length).toBeGreaterThanOrEqual(2);
    for (const request of newHost.requests) {
      expect(JSON.stringify(request.headers)).not.toContain(CANARY);
      expect(request.headers.authorization).toBeUndefined();
    }
  } finally {
    await newHost.close();
  }
});

test('plain http to another machine is refused until marked as a local-network server, then shown as not encrypted', async ({
  app,
}) => {
  const { page } = app;
  await addMockProvider(page);
  const row = page.getByTestId('provider-row');
  await row.getByTestId('provider-edit').click();
  // TEST-NET-1: documentation addresses, never reached.
  await row.getByTestId('provider-base-url').fill('http://192.0.2.10:8080/v1');
  await row.getByTestId('provider-save').click();
  await expect(row.getByText('Plain http:// to another computer is not encrypted.')).toBeVisible();
  await expect(row.getByTestId('provider-base-url')).toBeFocused();
  await expect(row.locator('.url')).toHaveText(mock.url);

  await row.getByTestId('provider-local-network').check();
  await row.getByTestId('provider-save').click();
  await expect(row.locator('.url')).toHaveText('http://192.0.2.10:8080/v1');
  await expect(row.getByTestId('provider-not-encrypted')).toHaveText('Not encrypted');
});
