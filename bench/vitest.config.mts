import { defineConfig } from 'vitest/config';

// Unit tests of the benchmark helpers only; the benchmarks themselves never run here.
export default defineConfig({
  test: {
    name: 'bench',
    environment: 'node',
    globals: true,
    include: ['src/**/*.test.ts'],
  },
});
