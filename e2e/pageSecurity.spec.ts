import type { Page } from '@playwright/test';
import type { LaunchedApp } from './fixtures/launchApp';
import { startMockServer, type MockServer } from './fixtures/mockServer';
import { seedMockProvider, sendMessage, setKey } from './fixtures/seed';
import { expect, test } from './fixtures/test';

const KEY = `sk-e2e-page-security-${Date.now().toString(36)}`;
let mock: MockServer;

test.beforeEach(async () => {
  mock = await startMockServer({ requiredKey: KEY });
});
test.afterEach(async () => {
  await mock.close();
});

const lastReply = (page: Page) => page.locator('[data-testid="message"][data-role="assistant"]').last();

/** A ready app with one finished reply whose text is `text`. */
async function appWithReply(launch: (options?: { userDataDir?: string }) => Promise<LaunchedApp>, text: string) {
  const app = await launch({ userDataDir: seedMockProvider(mock.url) });
  await setKey(app.page, KEY);
  await sendMessage(app.page, `Say it [[mock:text=${encodeURIComponent(text)} rate=0]]`);
  await expect(lastReply(app.page)).toHaveAttribute('data-status', 'complete');
  return app;
}

/** What landed in the clipboard, in order (the chromium host records each write that was allowed). */
async function clipboardWrites(app: LaunchedApp): Promise<string[]> {
  return (await app.ipcRecords()).filter((record) => record.type === 'clipboard').map((record) => String(record.text));
}

test('the Copy buttons write to the clipboard: main grants the app’s page that one permission', async ({ launch }) => {
  const reply = 'Here is code 日本語:\n\n```js\nconsole.log("copied 🌊");\n```\n\nDone.';
  const app = await appWithReply(launch, reply);
  const { page } = app;

  await lastReply(page).getByTestId('copy-message').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Reply copied' })).toBeVisible();
  await expect.poll(() => clipboardWrites(app)).toEqual([reply]);

  const copyCode = lastReply(page).locator('[data-copy-code]');
  await copyCode.click();
  await expect(copyCode).toHaveAttribute('data-copied', '');
  await expect.poll(() => clipboardWrites(app)).toEqual([reply, 'console.log("copied 🌊");\n']);

  // The request went through main's handler, as in Electron.
  const asked = (await app.ipcRecords()).filter((record) => record.type === 'permission-request');
  expect(asked).toEqual([
    expect.objectContaining({ permission: 'clipboard-sanitized-write', granted: true }),
    expect.objectContaining({ permission: 'clipboard-sanitized-write', granted: true }),
  ]);
});

test('the page may not read the clipboard, nor learn that it could', async ({ launch }) => {
  const app = await appWithReply(launch, 'Nothing to see.');
  const outcome = await app.page.evaluate(async () => {
    const read = await navigator.clipboard.readText().then(
      () => 'read',
      (error: DOMException) => error.name,
    );
    const status = await navigator.permissions.query({ name: 'clipboard-read' as PermissionName });
    return { read, status: status.state };
  });
  expect(outcome).toEqual({ read: 'NotAllowedError', status: 'denied' });
});

test('the page runs under the Content-Security-Policy header main sets, not only the <meta> copy', async ({
  launch,
}) => {
  const app = await appWithReply(launch, 'Policy check.');
  // A remote image breaks img-src: every policy in force reports it, with its own text.
  const policies = await app.page.evaluate(
    () =>
      new Promise<string[]>((resolve) => {
        const seen: string[] = [];
        document.addEventListener('securitypolicyviolation', (event) => {
          seen.push(event.originalPolicy);
          if (seen.length === 2) resolve(seen);
        });
        new Image().src = 'https://tracker.example/pixel.png';
      }),
  );
  // The header's policy says frame-ancestors, which a <meta> policy cannot.
  expect(policies).toEqual(expect.arrayContaining([expect.stringContaining("frame-ancestors 'none'")]));
  expect(policies.filter((policy) => !policy.includes('frame-ancestors'))).toHaveLength(1);
});
