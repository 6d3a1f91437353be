import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'nx-go',
    environment: 'node',
    globals: true,
    include: ['src/**/*.test.ts'],
    // Tests compile small Go modules; the first run fills the Go build cache.
    testTimeout: 120_000,
  },
});
