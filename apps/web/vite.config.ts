/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dev server proxies /api to the Go API (started alongside by `nx serve web`).
const apiTarget = process.env['API_PROXY_TARGET'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/web',
  plugins: [react()],
  // `@/` is src/, as in tsconfig.app.json and tsconfig.spec.json: imports across folders do not climb.
  resolve: { alias: [{ find: /^@\//, replacement: `${import.meta.dirname}/src/` }] },
  server: {
    host: '127.0.0.1',
    port: Number(process.env['WEB_PORT'] ?? 4200),
    strictPort: true,
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  preview: {
    host: '127.0.0.1',
    port: 4300,
    proxy: { '/api': { target: apiTarget } },
  },
  build: {
    outDir: '../../dist/apps/web',
    emptyOutDir: true,
    reportCompressedSize: false,
  },
  test: {
    name: 'web',
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.test.{ts,tsx}', 'server/**/*.test.ts'],
    setupFiles: ['src/test-setup.ts'],
    // Page tests render real components through several requests; a loaded CI machine needs room.
    testTimeout: 20_000,
    reporters: ['default'],
    coverage: { reportsDirectory: '../../coverage/apps/web', provider: 'v8' },
  },
});
