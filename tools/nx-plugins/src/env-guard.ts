import type { CreateNodesV2 } from '@nx/devkit';

/** Puts process.env back as it was: removes what was added, restores what was changed. */
export function restoreEnv(saved: NodeJS.ProcessEnv): void {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
  for (const [key, value] of Object.entries(saved)) if (process.env[key] !== value) process.env[key] = value;
}

/**
 * Wraps an inference plugin so that whatever it sets in process.env is undone when it returns.
 * With NX_ISOLATE_PLUGINS=false plugins run in the Nx process, and every task Nx starts inherits
 * its environment: Vite's resolveConfig, which @nx/vite and @nx/vitest call on a cold graph, sets
 * NODE_ENV=development, so the tasks of that one run would see it and a warm run would not.
 */
export function guardEnv<T>(plugin: CreateNodesV2<T>): CreateNodesV2<T> {
  const [pattern, createNodes] = plugin;
  return [
    pattern,
    async (files, options, context) => {
      const saved = { ...process.env };
      try {
        return await createNodes(files, options, context);
      } finally {
        restoreEnv(saved);
      }
    },
  ];
}
