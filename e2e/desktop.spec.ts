import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures/test';

test('a second launch focuses the window that is already open', async ({ app }) => {
  const shows = async () => (await app.ipcRecords()).filter((record) => record.type === 'window.show').length;
  await expect.poll(shows).toBeGreaterThan(0);
  const before = await shows();
  app.control({ type: 'second-instance' });
  await expect.poll(shows).toBe(before + 1);
  expect(app.windows()).toHaveLength(1);
});

test('the window placement is saved on close and restored on the next start', async ({ launch }) => {
  const first = await launch();
  await first.close();
  const saved = join(first.userDataDir, 'window-state.json');
  expect(existsSync(saved)).toBe(true);
  const state = JSON.parse(readFileSync(saved, 'utf8')) as {
    bounds: { width: number; height: number };
    maximized: boolean;
  };
  expect(state.maximized).toBe(false);
  expect(state.bounds.width).toBeGreaterThan(600);

  // As if the user had resized the window to something else last time.
  writeFileSync(saved, JSON.stringify({ bounds: { x: 40, y: 60, width: 900, height: 640 }, maximized: false }));
  const second = await launch({ userDataDir: first.userDataDir });
  const size = await second.page.evaluate(() => ({ width: window.innerWidth, height: window.innerHeight }));
  expect(size).toEqual({ width: 900, height: 640 });
});
