/**
 * Bundles of the desktop app: the Electron main process (with the run
 * worker), the sandboxed preload and the React renderer.
 */
import { resolve } from 'node:path';

import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/** Native addons load their own binaries at run time, so they stay outside every bundle. */
const nativeModules = ['better-sqlite3', 'onnxruntime-node', 'node-llama-cpp', 'sharp'];

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rollupOptions: {
        external: nativeModules,
        input: {
          index: resolve('src/main/index.ts'),
          // Loaded by URL next to the main bundle: the run worker and the loader of its models.
          'run-worker': resolve('src/engine/service/run-worker.ts'),
          'run-inputs': resolve('src/engine/service/run-inputs.ts'),
        },
        output: {
          // Keep shared chunks beside the entries, because the service finds the worker relative to its own file.
          entryFileNames: '[name].js',
          chunkFileNames: '[name]-[hash].js',
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // A sandboxed preload must be one CommonJS file.
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
