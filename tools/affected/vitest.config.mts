import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'affected',
    environment: 'node',
    globals: true,
    include: ['src/**/*.test.ts'],
    // The affected-graph suite drives a few dozen nested Nx runs in one workspace copy.
    testTimeout: 1_800_000,
    hookTimeout: 1_800_000,
    fileParallelism: false,
  },
});
