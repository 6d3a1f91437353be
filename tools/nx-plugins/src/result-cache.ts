import { dirname, join } from 'node:path';
import type { CreateNodesContextV2, CreateNodesResult, CreateNodesV2 } from '@nx/devkit';
import { globWithWorkspaceContext, hashObject, hashWithWorkspaceContext, PluginCache, workspaceDataDirectory } from '@nx/devkit/internal';

type Results = Array<readonly [string, CreateNodesResult]>;

/** Says what an inference plugin's answer depends on: equal keys, equal answers. */
export type InputsKey = (configFiles: readonly string[], options: unknown, context: CreateNodesContextV2) => Promise<string>;

/**
 * An inference plugin whose whole answer is kept in the workspace data (a `*.hash` file, so
 * CI's graph cache carries it) under `key`; on a hit the plugin is not called at all.
 * Nothing is kept of a call that fails.
 */
export function cachedNodes<T>(name: string, plugin: CreateNodesV2<T>, key: InputsKey, dataDir = workspaceDataDirectory): CreateNodesV2<T> {
  const [pattern, createNodes] = plugin;
  return [
    pattern,
    async (configFiles, options, context) => {
      const cache = new PluginCache<Results>(join(dataDir, `slipway-${name}-${hashObject(options ?? {})}.hash`));
      const k = await key(configFiles, options, context);
      const hit = cache.get(k);
      if (hit) return hit;
      const results = (await createNodes(configFiles, options, context)) as Results;
      cache.set(k, results);
      cache.writeToDisk();
      return results;
    },
  ];
}

/** Test and spec files: their content never changes what a config infers (their paths are kept). */
const TEST_FILES = ['**/*.{test,spec}.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', '**/__snapshots__/**'];

/**
 * The key for the Vite and Vitest inference: what @nx/vite and @nx/vitest hash themselves (every
 * file under each config's directory, the lockfile, the tsconfigs) but the content of test
 * files, which only their paths stand for, and the workspace's package.json and nx.json, which
 * they read too. A commit that touches only a test then keeps the answer, where theirs is
 * computed again (Vite resolving its config: 0.3 s of the next Nx command).
 */
export const projectInputsKey: InputsKey = async (configFiles, options, context) => {
  const root = context.workspaceRoot;
  const dirs = [...new Set(configFiles.map((f) => dirname(f)))].sort().map((d) => (d === '.' ? '**/*' : `${d}/**/*`));
  const [contents, paths] = await Promise.all([
    hashWithWorkspaceContext(root, [...dirs, 'package-lock.json', 'package.json', 'nx.json', '**/tsconfig*.json'], TEST_FILES),
    dirs.length ? globWithWorkspaceContext(root, dirs) : Promise.resolve([]),
  ]);
  return hashObject({ options: options ?? {}, configFiles: [...configFiles].sort(), contents, paths: hashObject(paths.sort()) });
};
