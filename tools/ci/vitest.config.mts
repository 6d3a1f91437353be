import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'ci',
    environment: 'node',
    globals: true,
    include: ['src/**/*.test.ts'],
    // The rehearsal drives real Nx runs, Docker builds and servers in throwaway clones.
    testTimeout: 1_200_000,
    hookTimeout: 1_200_000,
    fileParallelism: false,
  },
});
