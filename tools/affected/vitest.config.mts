import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'affected',
    environment: 'node',
    globals: true,
    include: ['src/**/*.test.ts'],
    // The affected-graph suite drives a few dozen nested Nx runs in one workspace copy.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    fileParallelism: false,
  },
});
