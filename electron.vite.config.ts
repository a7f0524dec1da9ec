import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'src-main/index.ts'),
          // Imports and exports run in a worker thread, started from out/main/transferWorker.js.
          transferWorker: resolve(import.meta.dirname, 'src-main/transfer/transferWorker.ts'),
          // PDFs are read in a worker thread too, started from out/main/attachmentWorker.js.
          attachmentWorker: resolve(import.meta.dirname, 'src-main/attachments/attachmentWorker.ts'),
          // The history's health check runs in one too, after the window shows (out/main/healthCheckWorker.js).
          healthCheckWorker: resolve(import.meta.dirname, 'src-main/history/healthCheckWorker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot `require` anything but electron: bundle every dependency into one CommonJS file.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'src-preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src-renderer'),
    plugins: [vue()],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // The renderer's start-up cost is what it parses: ship it minified (electron-vite leaves it off).
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'src-renderer/index.html') } },
    },
  },
});
