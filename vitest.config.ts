import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [vue()],
  test: {
    include: [
      'src-main/**/*.test.ts',
      'src-preload/**/*.test.ts',
      'src-renderer/**/*.test.ts',
      'e2e/fixtures/**/*.test.ts',
      'resources/**/*.test.ts',
      '*.test.ts',
    ],
    environment: 'node',
    testTimeout: 20_000,
    pool: 'forks',
    // Tests that check something is released force a collection with `gc()`.
    execArgv: ['--expose-gc'],
    // A private Secret Service for the keychain tests, so they never touch the keyring of whoever runs them.
    globalSetup: ['src-main/secrets/testing/vitestGlobalSetup.ts'],
  },
});
