import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'nx-typecheck',
    environment: 'node',
    globals: true,
    include: ['src/**/*.test.ts'],
  },
});
