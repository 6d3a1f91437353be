import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'images-tool',
    environment: 'node',
    globals: true,
    include: ['src/**/*.test.ts'],
    // The image tests drive real Docker builds through Nx.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    fileParallelism: false,
  },
});
