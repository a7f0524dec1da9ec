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

/** The URLs main handed the OS to open, in order. */
async function openedExternally(app: LaunchedApp): Promise<string[]> {
  return (await app.ipcRecords())
    .filter((record) => record.type === 'openExternal')
    .map((record) => String(record.url));
}

test('a link whose text names another site shows where it goes, and opens only after asking', async ({ launch }) => {
  const app = await appWithReply(
    launch,
    'Sign in at [https://paypal.com/login](https://evil.example/login) or read [the docs](https://docs.example.org/guide).',
  );
  const { page } = app;
  const reply = lastReply(page);
  const lying = reply.getByRole('link', { name: 'https://paypal.com/login' });

  // Hover: the status line says where it really goes, and that the text says otherwise.
  await lying.hover();
  const status = page.getByTestId('status-link');
  await expect(status).toContainText('Link to https://evil.example/login');
  await expect(status).toContainText('the text says paypal.com');
  await expect(lying).toHaveAttribute('title', 'https://evil.example/login');
  await page.mouse.move(0, 0);
  await expect(status).toHaveCount(0);

  // Clicked: nothing opens until the user has seen the real address.
  await lying.click();
  const dialog = page.getByTestId('link-confirm');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('link-confirm-reason')).toHaveText(
    'The link text says paypal.com, but the link goes to evil.example.',
  );
  await expect(dialog.getByTestId('link-confirm-address')).toHaveText('https://evil.example/login');
  await expect(dialog.getByTestId('link-confirm-cancel')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(await openedExternally(app)).toEqual([]);

  await lying.click();
  await page.getByTestId('link-confirm-open').click();
  await expect(dialog).toHaveCount(0);
  await expect.poll(() => openedExternally(app)).toEqual(['https://evil.example/login']);

  // An honest link opens at once.
  await reply.getByRole('link', { name: 'the docs' }).click();
  await expect
    .poll(() => openedExternally(app))
    .toEqual(['https://evil.example/login', 'https://docs.example.org/guide']);
  await expect(dialog).toHaveCount(0);
});

test('look-alike hosts are shown decoded and flagged, user@host addresses unmasked, bidi controls stripped', async ({
  launch,
}) => {
  const app = await appWithReply(
    launch,
    [
      'Your [Apple ID](https://xn--pple-43d.com/id).',
      'Also [sign in](https://accounts.google.com@evil.example/).',
      'And [invoice\u202Efdp.exe](https://files.example/x).',
      '日本の[サイト](https://xn--r8jz45g.jp/).',
    ].join(' '),
  );
  const { page } = app;
  const reply = lastReply(page);

  await reply.getByRole('link', { name: 'Apple ID' }).hover();
  await expect(page.getByTestId('status-link')).toContainText('Link to https://аpple.com/id');
  await expect(page.getByTestId('status-link-international')).toHaveText('international address: xn--pple-43d.com');
  await reply.getByRole('link', { name: 'Apple ID' }).click();
  await expect(page.getByTestId('link-confirm-reason')).toHaveAttribute('data-reason', 'look-alike');
  await page.getByTestId('link-confirm-cancel').click();

  await reply.getByRole('link', { name: 'sign in' }).click();
  await expect(page.getByTestId('link-confirm-reason')).toContainText('It goes to evil.example.');
  await page.keyboard.press('Escape');

  // The right-to-left override is gone: the text reads as it was written.
  await expect(reply.getByRole('link', { name: 'invoicefdp.exe' })).toHaveCount(1);
  expect(await reply.innerHTML()).not.toContain('\u202E');

  // A Japanese domain of its own is flagged as international, but opens without a question.
  await reply.getByRole('link', { name: 'サイト' }).hover();
  await expect(page.getByTestId('status-link')).toContainText('https://例え.jp/');
  await reply.getByRole('link', { name: 'サイト' }).click();
  await expect.poll(() => openedExternally(app)).toEqual(['https://xn--r8jz45g.jp/']);
  await expect(page.getByTestId('link-confirm')).toHaveCount(0);
});

test('mailto links open the mail program with the address, subject and body only', async ({ launch }) => {
  const app = await appWithReply(
    launch,
    'Write to help@example.com or [support](mailto:support@example.com?subject=Hello%20Nagare&attach=/etc/passwd&bcc=spy@evil.example).',
  );
  const reply = lastReply(app.page);
  await reply.getByRole('link', { name: 'help@example.com' }).click();
  await reply.getByRole('link', { name: 'support' }).click();
  await expect
    .poll(() => openedExternally(app))
    .toEqual(['mailto:help@example.com', 'mailto:support@example.com?subject=Hello%20Nagare']);
});

test('inline PNG images are shown; remote images stay blocked with a placeholder that shows the URL', async ({
  launch,
}) => {
  // A 3×2 red PNG.
  const png = 'iVBORw0KGgoAAAANSUhEUgAAAAMAAAACCAIAAAASFvFNAAAAEklEQVR4nGP4z8DwH4iBBBgBAF+fB/klEfXnAAAAAElFTkSuQmCC';
  const pixelUrl = `${mock.url}/pixel.png?reader=you`;
  const app = await appWithReply(
    launch,
    `A chart:\n\n![red dot](data:image/png;base64,${png})\n\nand a tracker ![tracking pixel](${pixelUrl}) here.`,
  );
  const reply = lastReply(app.page);
  const image = reply.getByRole('img', { name: 'red dot' });
  await expect(image).toBeVisible();
  // Decoded under the page's CSP (img-src data:), not merely present.
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => [img.naturalWidth, img.naturalHeight]))
    .toEqual([3, 2]);

  const placeholder = reply.locator('.md-image-blocked');
  await expect(placeholder).toContainText('tracking pixel');
  await expect(placeholder).toContainText('Image not loaded:');
  await expect(placeholder.getByRole('link')).toHaveText(pixelUrl);
  expect(mock.requests.some((request) => request.path.includes('pixel.png'))).toBe(false);
});
