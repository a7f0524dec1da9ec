import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // Fails at once without a display the host needs; starts the run's private Secret Service.
  globalSetup: './e2e/fixtures/globalSetup.ts',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The fixture attaches a screenshot of every app window when a test fails (e2e/fixtures/test.ts).
  use: { screenshot: 'only-on-failure' },
  fullyParallel: false,
  // Each test runs a browser, main and a mock server: two at a time fill a 2-core machine.
  workers: 2,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: true,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
});
