// @ts-check
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import vue from 'eslint-plugin-vue';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
      // TypeScript checks names itself; the core rule does not know DOM or Node globals per folder.
      'no-undef': 'off',
    },
  },
  {
    // Layering: the contract is shared by all three processes and may import neither electron nor node.
    files: ['src-preload/contract/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: ['electron', 'node:*', '**/src-main/**', '**/src-renderer/**', '**/shared/**'] },
      ],
    },
  },
  {
    // Shared UI logic (the keymap) runs in main and in the renderer and never crosses IPC: no electron,
    // no node, no process's own code, not even the contract.
    files: ['src-preload/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            'electron',
            'node:*',
            '**/src-main/**',
            '**/src-renderer/**',
            '**/contract/**',
            '../*.ts',
            '../index',
          ],
        },
      ],
    },
  },
  {
    // Services run under plain Node; only platform/, windows/ and ipc/ adapters touch electron.
    files: ['src-main/**/*.ts'],
    ignores: [
      'src-main/platform/**',
      'src-main/windows/**',
      'src-main/ipc/electron*.ts',
      'src-main/index.ts',
      'src-main/composition.ts',
      'src-main/menu/electron*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['**/src-renderer/**'] }] },
  },
  {
    // Services know nothing of IPC: they take plain data and report AppErrors and events through common/.
    // (A later block replaces the rule's options for these files, so electron and the renderer are listed again.)
    files: ['src-main/{common,streaming,history,secrets,providers,settings,inspector,logging,transfer}/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ['electron'],
          patterns: [
            { group: ['**/src-renderer/**'], message: 'Main never imports renderer code.' },
            {
              group: ['**/ipc', '**/ipc/**'],
              message: 'Services do not import ipc/: use common/ (AppError, EventSink).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,vue}'],
    rules: {
      'no-restricted-imports': ['error', { paths: ['electron'], patterns: ['node:*', '**/src-main/**'] }],
    },
  },
  {
    files: ['e2e/**/*.ts', 'bench/**/*.ts', '.ci/**/*.js', 'src-main/**/*.cli.ts', 'e2e/fixtures/mockServer.cli.ts'],
    rules: { 'no-console': 'off' },
  },
  prettier,
);
