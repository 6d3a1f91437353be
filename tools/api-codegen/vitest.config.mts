import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'api-codegen',
    environment: 'node',
    globals: true,
    include: ['src/**/*.test.ts'],
    // The drift test regenerates the Go types with `go run oapi-codegen@version`;
    // a cold module and build cache makes the first run slow.
    testTimeout: 300_000,
    hookTimeout: 300_000,
  },
});
