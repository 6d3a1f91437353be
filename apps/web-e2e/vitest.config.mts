import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'web-e2e',
    environment: 'node',
    include: ['src/**/*.test.ts'],
    // These tests start real servers (Go compile included), so they get real time limits.
    testTimeout: 240_000,
    hookTimeout: 240_000,
    fileParallelism: false,
  },
});
