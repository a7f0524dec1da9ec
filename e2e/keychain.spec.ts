import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { PRIVATE_SECRET_SERVICE_PREFIX } from '../src-main/secrets/testing/privateSecretService';
import { filePlaces, leaks, textPlace, type Place } from './fixtures/canary';
import type { LaunchedApp } from './fixtures/launchApp';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { rememberKeychainAccount, requireTestKeychain, sendMessage } from './fixtures/seed';
import { expect, test } from './fixtures/test';

// Unique per run, so that finding them anywhere can only mean Nagare leaked them. The + / = make the
// URL-encoded and base64 spellings differ from the plain one.
const CANARY = `sk-canary+${Date.now().toString(36)}/${Math.random().toString(36).slice(2, 12)}=x`;
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
  requireTestKeychain();
  const row = page.getByTestId('provider-row');
  await row.getByTestId('provider-key').fill(key);
  await row.getByTestId('provider-key-save').click();
  await expect(row.getByTestId('provider-key')).toHaveValue('');
  await expect(row.getByTestId('provider-key-status')).toContainText(key.slice(-4));
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

/**
 * The canary, while the app runs: the DOM, everything window.nagare answers (asked now, and every
 * answer main gave during the test), every message main sent to the page, the clipboard, main's
 * output and every file in the user-data folder (database, logs, settings, exports, saved streams).
 */
async function runningPlaces(app: LaunchedApp, providerId: string): Promise<Place[]> {
  return [
    textPlace('the DOM', await app.page.content()),
    textPlace('window.nagare answers', await everythingTheBridgeAnswers(app.page, providerId)),
    textPlace(
      'IPC records (invoke answers, messages to the page, clipboard writes)',
      JSON.stringify(await app.ipcRecords()),
    ),
    textPlace('main’s stdout and stderr', app.output()),
    ...filePlaces(app.userDataDir),
  ];
}

async function expectNoSecretAnywhere(app: LaunchedApp, secrets: string[], providerId: string): Promise<void> {
  expect(leaks(secrets, await runningPlaces(app, providerId))).toEqual([]);
}

/**
 * After a clean quit: the Chromium profile the renderer used (localStorage, IndexedDB, caches,
 * session state), which Chromium writes out as it closes, and everything main printed until it exited.
 */
function expectNoSecretAfterQuit(app: LaunchedApp, secrets: string[]): void {
  expect(existsSync(app.browserProfileDir)).toBe(true);
  const profile = filePlaces(app.browserProfileDir);
  expect(profile.length).toBeGreaterThan(10);
  expect(leaks(secrets, [...profile, textPlace('main’s stdout and stderr', app.output())])).toEqual([]);
}

test('a key entered in Settings is verified, kept in the keychain, used for chat, and a bad key offers a fix', async ({
  launch,
}) => {
  const app = await launch({ keepBrowserProfile: true });
  const { page } = app;
  const providerId = await addMockProvider(page);
  await storeKey(page, CANARY);

  // The real Secret Service holds exactly what was typed, under service Nagare, account = provider id:
  // the run's private one, which this worker and the app both inherited from the global set-up.
  expect(process.env.DBUS_SESSION_BUS_ADDRESS).toContain(PRIVATE_SECRET_SERVICE_PREFIX);
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

  // The stream inspector: the cURL text (on screen and copied) and the saved .sse file.
  await reply.getByTestId('inspect-message').click();
  const inspector = page.getByTestId('inspector-panel');
  await expect(inspector.getByTestId('inspector-curl')).toContainText('$OPENAI_API_KEY');
  await inspector.getByTestId('inspector-copy-curl').click();
  await expect
    .poll(async () => (await app.ipcRecords()).filter((record) => record.type === 'clipboard').length)
    .toBe(1);
  const ssePath = join(app.userDataDir, 'saved', 'reply.sse');
  app.answerNextDialog('save', ssePath);
  await inspector.getByTestId('inspector-save').click();
  await expect.poll(() => existsSync(ssePath)).toBe(true);
  expect(readFileSync(ssePath, 'utf8')).toMatch(/^data: /m);
  await page.keyboard.press('Escape');

  // Exports in both formats, from Data settings, written where the user chose.
  await page.keyboard.press('Control+Comma');
  await page.getByRole('tab', { name: 'Data' }).click();
  for (const [button, file] of [
    ['export-markdown', 'all.md'],
    ['export-json', 'all.json'],
  ] as const) {
    const exportPath = join(app.userDataDir, 'exports', file);
    app.answerNextDialog('save', exportPath);
    await page.getByTestId(button).click();
    await expect(page.getByTestId('data-result')).toHaveText(`Saved to ${exportPath}`);
    expect(readFileSync(exportPath, 'utf8')).toContain('Hello through the keychain');
  }
  await page.keyboard.press('Escape');

  // A key the server refuses: the reply fails with `auth` and the UI offers to fix the key.
  await page.keyboard.press('Control+Comma');
  await page.getByRole('tab', { name: 'Providers' }).click();
  await storeKey(page, WRONG_KEY);
  await page.keyboard.press('Escape');
  await sendMessage(page, 'And now with the wrong key');
  const notice = page.getByTestId('error-notice');
  await expect(notice).toHaveAttribute('data-code', 'auth');
  await notice.getByTestId('fix-key').click();
  await expect(page.getByTestId('settings-dialog')).toBeVisible();
  await expect(page.getByTestId('provider-row')).toBeVisible();

  // The canary: neither key, in any spelling, anywhere the renderer can reach, nor in any file Nagare wrote…
  await expectNoSecretAnywhere(app, [CANARY, WRONG_KEY], providerId);
  // …nor in the browser profile once it is written out on quit.
  await app.close();
  expectNoSecretAfterQuit(app, [CANARY, WRONG_KEY]);
});

test('without a Secret Service the problem is named and a session-only key still works', async ({ launch }) => {
  const app = await launch({
    env: { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/nagare-bus', DISPLAY: '' },
    keepBrowserProfile: true,
  });
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
  await app.close();
  expectNoSecretAfterQuit(app, [CANARY]);
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
