// Project-graph benchmark for this repository.
//
//   node -r @swc-node/register bench/graph/graph-time.ts [--runs 5] [--json]
//
// Works on a throwaway copy of the workspace (same files as the work tree, own
// .nx/), so it never touches the real .nx/workspace-data, and measures, with the
// daemon off:
//   warm   one `createProjectGraphAsync` in a fresh process, project-graph cache and
//          plugin caches in .nx/workspace-data present (what every `nx` command
//          without the daemon pays), --runs times;
//   warm, plugins in-process: the same with NX_ISOLATE_PLUGINS=false, which lets Nx's
//          per-plugin createNodes measures reach this process (isolated plugins
//          measure in their workers);
//   warm, repeated: the same call repeated in one process;
//   cold   one `createProjectGraphAsync` in a fresh process after removing
//          .nx/workspace-data, --runs times;
//   each with Nx's own performance marks: plugin loading, and each plugin's
//   createNodes / createDependencies;
//   go     the Go plugin's createDependencies called directly, with its on-disk cache
//          (nx-go-edges*.json, nx-go-module*.json) present (warm) and removed (cold: runs `go list`).
// Prints median and range (min–max) of each, in milliseconds.
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { copyWorkspace } from '@slipway/testing/src/workspace-copy';

const SELF = __filename;
const repoRoot = resolve(__dirname, '../..');

interface Sample {
  /** createProjectGraphAsync, in ms. */
  graph: number;
  /** The child process from spawn to exit, in ms (node start, transpiler, graph, exit). */
  process?: number;
  /** Nx's performance measures of the call, by name, in ms. */
  marks: Record<string, number>;
}

// ---------------------------------------------------------------- child side

/** Nx's performance measures that started at or after `since` (Nx leaves them in the global buffer). */
function measuresSince(since: number): Record<string, number> {
  const marks: Record<string, number> = {};
  for (const e of performance.getEntriesByType('measure')) {
    if (e.startTime >= since) marks[e.name] = (marks[e.name] ?? 0) + e.duration;
  }
  return marks;
}

async function childGraph(repeat: number): Promise<void> {
  const { createProjectGraphAsync } = await import('@nx/devkit');
  const samples: Sample[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = performance.now();
    await createProjectGraphAsync({ exitOnError: true });
    const graph = performance.now() - t0;
    samples.push({ graph, marks: measuresSince(t0) });
  }
  process.stdout.write(`${JSON.stringify(samples)}\n`);
}

async function childGoDeps(runs: number): Promise<void> {
  const { createProjectGraphAsync } = await import('@nx/devkit');
  const { readNxJson } = await import('nx/src/config/configuration');
  const { readFileMapCache } = await import('nx/src/project-graph/nx-deps-cache');
  const { workspaceDataDirectory } = await import('@nx/devkit/internal');
  const graph = await createProjectGraphAsync({ exitOnError: true });
  const cache = readFileMapCache();
  if (!cache) throw new Error('no file map cache after computing the graph');
  const root = process.cwd();
  const context = {
    externalNodes: graph.externalNodes ?? {},
    projects: Object.fromEntries(Object.entries(graph.nodes).map(([k, v]) => [k, v.data])),
    nxJsonConfiguration: readNxJson(),
    fileMap: cache.fileMap,
    filesToProcess: cache.fileMap,
    workspaceRoot: root,
  };
  const pluginFile = join(root, 'tools/nx-go/src/plugin.ts');
  // A fresh module each time, so its in-memory copy of the edges does not count.
  const freshPlugin = (): typeof import('@slipway/nx-go/src/plugin') => {
    for (const k of Object.keys(require.cache)) if (k.includes('/tools/nx-go/src/')) delete require.cache[k];
    return require(pluginFile) as typeof import('@slipway/nx-go/src/plugin');
  };
  // nx-go-edges.json, nx-go-edges-<root hash>.json, or (since the plugin keeps build closures too) nx-go-module-<root hash>.json.
  const edgesFiles = (): string[] => readdirSync(workspaceDataDirectory).filter((f) => /^nx-go-(edges|module).*\.json$/.test(f)).map((f) => join(workspaceDataDirectory, f));
  const result: Record<'warm' | 'cold', number[]> = { warm: [], cold: [] };
  for (let i = 0; i < runs; i++) {
    for (const kind of ['cold', 'warm'] as const) {
      if (kind === 'cold') for (const f of edgesFiles()) rmSync(f, { force: true });
      const plugin = freshPlugin();
      const t0 = performance.now();
      const edges = await plugin.createDependencies({}, context);
      result[kind].push(performance.now() - t0);
      if (edges.length === 0) throw new Error('the Go plugin found no edges');
      if (edgesFiles().length === 0) throw new Error('the Go plugin wrote no edge cache in .nx/workspace-data');
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

// ---------------------------------------------------------------- parent side

function child(cwd: string, args: string[], extraEnv: Record<string, string> = {}): { out: string; ms: number } {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NX_')) env[k] = v;
  Object.assign(env, { NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', NX_CACHE_DIRECTORY: join(cwd, '.nx', 'cache') }, extraEnv);
  const t0 = performance.now();
  const r = spawnSync('node', ['-r', '@swc-node/register', SELF, ...args], { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`bench child ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return { out: r.stdout.trim().split('\n').at(-1) ?? '', ms };
}

function freshGraph(cwd: string, extraEnv: Record<string, string> = {}): Sample {
  const { out, ms } = child(cwd, ['--child', 'graph', '--runs', '1'], extraEnv);
  const [s] = JSON.parse(out) as Sample[];
  if (!s) throw new Error('no sample');
  return { ...s, process: ms };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2;
};
const stat = (xs: number[]) => ({ median: Math.round(median(xs)), min: Math.round(Math.min(...xs)), max: Math.round(Math.max(...xs)), n: xs.length });
const fmt = (xs: number[]): string => {
  const s = stat(xs);
  return `${String(s.median).padStart(6)} ms  (${s.min}–${s.max}, n=${s.n})`;
};

/** The measures worth showing: totals, plugin loading, and each plugin's createNodes/createDependencies. */
function markNames(samples: Sample[]): string[] {
  const names = new Set<string>();
  for (const s of samples) for (const n of Object.keys(s.marks)) names.add(n);
  return [...names]
    .filter((n) => /^(loadSpecifiedNxPlugins|loadDefaultNxPlugins|createDependencies|createMetadata)$|:createNodes$|:createDependencies$|^createProjectGraphAsync >> /.test(n))
    .sort();
}

function report(title: string, samples: Sample[]): string[] {
  const lines = [`${title}`, `  ${'createProjectGraphAsync'.padEnd(52)} ${fmt(samples.map((s) => s.graph))}`];
  const procs = samples.map((s) => s.process).filter((x): x is number => x !== undefined);
  if (procs.length) lines.push(`  ${'whole process (node start + graph + exit)'.padEnd(52)} ${fmt(procs)}`);
  for (const n of markNames(samples)) {
    const xs = samples.map((s) => s.marks[n]).filter((x): x is number => x !== undefined);
    const label = n.replace('createProjectGraphAsync >> ', '· ').replace(/^\.\/tools\//, 'tools/');
    if (xs.length) lines.push(`  ${label.padEnd(52)} ${fmt(xs)}`);
  }
  return lines;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, child: { type: 'string' }, json: { type: 'boolean', default: false } } });
  const runs = Number(values.runs);
  if (values.child === 'graph') return childGraph(runs);
  if (values.child === 'go-deps') return childGoDeps(runs);

  const started = Date.now();
  const ws = copyWorkspace('slipway-bench-graph-');
  try {
    const dataDir = join(ws.root, '.nx', 'workspace-data');
    console.error(`bench: workspace copy ${ws.root} (of ${repoRoot}), ${runs} runs each`);
    // Prime: the first computation fills .nx/workspace-data (graph, file map, plugin caches).
    freshGraph(ws.root);
    const warm: Sample[] = [];
    for (let i = 0; i < runs; i++) warm.push(freshGraph(ws.root));
    // The plugins in this process instead of worker processes, so Nx's per-plugin createNodes measures reach us.
    const inProcess: Sample[] = [];
    for (let i = 0; i < runs; i++) inProcess.push(freshGraph(ws.root, { NX_ISOLATE_PLUGINS: 'false' }));
    const repeated = (JSON.parse(child(ws.root, ['--child', 'graph', '--runs', String(runs + 1)]).out) as Sample[]).slice(1);
    const cold: Sample[] = [];
    for (let i = 0; i < runs; i++) {
      rmSync(dataDir, { recursive: true, force: true });
      cold.push(freshGraph(ws.root));
    }
    const go = JSON.parse(child(ws.root, ['--child', 'go-deps', '--runs', String(runs)]).out) as Record<'warm' | 'cold', number[]>;
    const result = { date: new Date().toISOString(), cpus: (await import('node:os')).cpus().length, runs, warm, inProcess, repeated, cold, go };
    if (values.json) {
      console.log(JSON.stringify(result, null, 2));
      return;
    }
    console.log(
      [
        `project graph of ${repoRoot} — ${result.date}, ${result.cpus} CPUs, daemon off, ${runs} runs`,
        ...report('warm cache, fresh process (.nx/workspace-data present)', warm),
        ...report('warm cache, fresh process, plugins in-process (NX_ISOLATE_PLUGINS=false: per-plugin createNodes)', inProcess),
        ...report('warm cache, same process, repeated calls', repeated),
        ...report('cold cache, fresh process (.nx/workspace-data removed)', cold),
        'Go plugin createDependencies, called directly',
        `  ${'edge cache warm (nx-go-edges*.json present)'.padEnd(52)} ${fmt(go.warm)}`,
        `  ${'edge cache cold (removed: runs go list)'.padEnd(52)} ${fmt(go.cold)}`,
        `(bench took ${Math.round((Date.now() - started) / 1000)} s)`,
      ].join('\n'),
    );
  } finally {
    ws.remove();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
