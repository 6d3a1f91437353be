import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'nx-plugins',
    environment: 'node',
    globals: true,
    include: ['src/**/*.test.ts'],
    // The task-environment test runs Nx four times in a copy of the workspace.
    testTimeout: 300_000,
  },
});
