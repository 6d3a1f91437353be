import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'remote-cache',
    environment: 'node',
    globals: true,
    include: ['src/**/*.test.ts'],
    // The integration test builds the cache server and images through Nx.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
