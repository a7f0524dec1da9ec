import { expectedApiMethods } from '../src-preload/contract/api';
import { expect, test } from './fixtures/test';

test('the window opens on the empty state with the composer focused', async ({ app }) => {
  await expect(app.page.getByTestId('empty-state')).toBeVisible();
  await expect(app.page.getByTestId('composer')).toBeFocused();
});

test('window.nagare exposes exactly the contract and no Node', async ({ app }) => {
  const exposed = await app.page.evaluate(() => {
    const api = (window as unknown as { nagare: Record<string, Record<string, unknown>> }).nagare;
    return {
      methods: Object.entries(api)
        .flatMap(([domain, methods]) =>
          Object.entries(methods).map(([name, value]) => `${domain}.${name}:${typeof value}`),
        )
        .sort(),
      require: typeof (window as { require?: unknown }).require,
      process: typeof (window as { process?: unknown }).process,
      ipcRenderer: 'ipcRenderer' in window,
    };
  });
  expect(exposed.methods).toEqual(expectedApiMethods().map((name) => `${name}:function`));
  expect(exposed.require).toBe('undefined');
  expect(exposed.process).toBe('undefined');
  expect(exposed.ipcRenderer).toBe(false);
});

test('a navigation to an external URL is refused', async ({ app }) => {
  const appUrl = app.page.url();
  await app.page.evaluate(() => {
    window.location.href = 'https://example.com/phish';
  });
  await expect
    .poll(async () =>
      (await app.ipcRecords()).filter((r) => r.type === 'will-navigate' && r.url === 'https://example.com/phish'),
    )
    .toHaveLength(1);
  const [refusal] = (await app.ipcRecords()).filter((r) => r.type === 'will-navigate');
  expect(refusal?.refused).toBe(true);
  expect(app.page.url()).toBe(appUrl);
  // The page is still the app and still talks to main.
  const info = await app.page.evaluate(() => window.nagare.app.info());
  expect(info.ok).toBe(true);
});

test('a malformed IPC payload gets a validation error and changes nothing', async ({ app }) => {
  const before = await app.page.evaluate(() => window.nagare.settings.get());
  expect(before.ok).toBe(true);
  const answers = await app.page.evaluate(async () => {
    const settings = window.nagare.settings as unknown as { update(input: unknown): Promise<unknown> };
    return Promise.all([
      settings.update({ theme: 'neon' }),
      settings.update({ theme: 'dark', extra: 'field' }),
      settings.update('not an object'),
      settings.update({ idleTimeoutSeconds: -5 }),
    ]);
  });
  for (const answer of answers) {
    expect(answer).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  }
  const after = await app.page.evaluate(() => window.nagare.settings.get());
  expect(after).toEqual(before);
});
