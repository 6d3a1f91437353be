// The Go plugin's own cost in a cold project graph: the plugin of this checkout and an
// older one (OLD_PLUGIN_REF, written into tmp/ of the workspace), side by side, in turn,
// in one process, with the daemon off:
//   node -r @swc-node/register bench/graph/go-plugin.ts --old tmp/nx-go-old/src/plugin.ts [--runs 3]
// Run it in the workspace to measure. Each run, for each plugin: a fresh copy of its module
// (no answer in memory), its cache files in .nx/workspace-data removed (nx-go-edges*.json,
// nx-go-module*.json: what a cold graph starts without), then createNodes and
// createDependencies as Nx calls them, timed apart. One untimed run of each first, so the
// Go toolchain's own caches are warm for both. Prints JSON { old: Sample[], new: Sample[] }.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

/** The last commit with the plugin that hashed whole Go project directories and all of go.mod and go.sum. */
export const OLD_PLUGIN_REF = '81fdfd973e70f4432e20eb86c13f0ac86f0c5d7f';
/** Its files (the plugin imports nothing else of the workspace). */
const OLD_PLUGIN_FILES = ['plugin.ts', 'go-deps.ts', 'go-projects.ts'];
/** Where the old plugin goes in a workspace (tmp/ is ignored by git, so it joins no commit). */
export const OLD_PLUGIN_DIR = 'tmp/nx-go-old/src';
export const NEW_PLUGIN = 'tools/nx-go/src/plugin.ts';

/** One measured call of a plugin, in ms. */
export interface PluginSample {
  createNodes: number;
  createDependencies: number;
  total: number;
}

/** Writes the old plugin's files from git history into `root`; returns its plugin.ts, relative to root. */
export function writeOldPlugin(root: string, ref = OLD_PLUGIN_REF): string {
  for (const file of OLD_PLUGIN_FILES) {
    const text = execFileSync('git', ['show', `${ref}:tools/nx-go/src/${file}`], { cwd: root, encoding: 'utf8' });
    mkdirSync(join(root, OLD_PLUGIN_DIR), { recursive: true });
    writeFileSync(join(root, OLD_PLUGIN_DIR, file), text);
  }
  return `${OLD_PLUGIN_DIR}/plugin.ts`;
}

// ---------------------------------------------------------------- child side

type Plugin = typeof import('@slipway/nx-go/src/plugin');

async function child(oldPlugin: string, runs: number): Promise<void> {
  const { createProjectGraphAsync } = await import('@nx/devkit');
  const { readNxJson } = await import('nx/src/config/configuration');
  const { readFileMapCache } = await import('nx/src/project-graph/nx-deps-cache');
  const { workspaceDataDirectory } = await import('@nx/devkit/internal');
  const root = process.cwd();
  const nxJson = readNxJson();
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const cache = readFileMapCache();
  if (!cache) throw new Error('no file map cache after computing the graph');
  const entry = nxJson.plugins?.find((p) => typeof p === 'object' && p.plugin.includes('nx-go'));
  const options = (typeof entry === 'object' ? entry.options : {}) as Record<string, unknown>;
  const depsContext = {
    externalNodes: graph.externalNodes ?? {},
    projects: Object.fromEntries(Object.entries(graph.nodes).map(([k, v]) => [k, v.data])),
    nxJsonConfiguration: nxJson,
    fileMap: cache.fileMap,
    filesToProcess: cache.fileMap,
    workspaceRoot: root,
  };
  const nodesContext = { workspaceRoot: root, nxJsonConfiguration: nxJson, configFiles: ['go/go.mod'] };
  const fresh = (file: string): Plugin => {
    const dir = dirname(resolve(root, file));
    for (const k of Object.keys(require.cache)) if (k.startsWith(`${dir}/`)) delete require.cache[k];
    return require(resolve(root, file)) as Plugin;
  };
  const cold = (): void => {
    for (const f of readdirSync(workspaceDataDirectory)) if (/^nx-go-(edges|module).*\.json$/.test(f)) rmSync(join(workspaceDataDirectory, f), { force: true });
  };
  const measure = async (file: string): Promise<PluginSample> => {
    cold();
    const plugin = fresh(file);
    const [, createNodes] = plugin.createNodes;
    const t0 = performance.now();
    await createNodes(['go/go.mod'], options, nodesContext as never);
    const t1 = performance.now();
    const edges = await plugin.createDependencies(options as never, depsContext as never);
    const t2 = performance.now();
    if (edges.length === 0) throw new Error(`${file} found no edges`);
    return { createNodes: t1 - t0, createDependencies: t2 - t1, total: t2 - t0 };
  };
  const result: Record<'old' | 'new', PluginSample[]> = { old: [], new: [] };
  await measure(oldPlugin);
  await measure(NEW_PLUGIN);
  for (let i = 0; i < runs; i++) {
    // In turn, each first every other run, so neither always runs after the other.
    const order = i % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const);
    for (const which of order) result[which].push(await measure(which === 'old' ? oldPlugin : NEW_PLUGIN));
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { old: { type: 'string' }, runs: { type: 'string', default: '3' } } });
  if (!values.old) throw new Error('usage: go-plugin.ts --old <old plugin.ts, relative to the workspace> [--runs N]');
  await child(values.old, Number(values.runs));
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
      process.exit(1);
    },
  );
}
