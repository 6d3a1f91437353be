// Slipway's benchmarks: how much time and how many bytes the affected graph, the caches
// and the multi-stage images save, measured side by side on this machine.
//
//   npm run bench -- <name…|all> [--runs N] [--ref COMMIT]    names: no-change fresh-runner fresh-runner-change plain-pipeline small-changes image-sizes scale dev-loop api-reads cache-server
//   npm run bench -- no-change [--sizes 3,20,50]   the workspace sizes (image projects) to measure
//   npm run bench -- cache-server [--baseline COMMIT] [--quick]   --quick: a smoke run, its result in the temp dir
//   npm run bench -- chart                      renders bench/charts/*.svg from bench/results/*.json
//   npm run bench -- report                     prints the results as the Markdown tables of bench/README.md
//
// Each benchmark writes bench/results/<name>.json; the full output of every command goes
// to a log file (its path is printed first).
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { apiReads } from './api-reads';
import { cacheServer } from './cache-server';
import { parseSizes, type Benchmark } from './lib/bench';
import { requireWorkspaceNode } from './lib/node-version';
import { progress, setLogFile } from './lib/run';
import { writeResult } from './lib/results';
import { setBenchRef } from './lib/workspace';
import { devLoop } from './dev-loop';
import { freshRunner } from './fresh-runner';
import { freshRunnerChange } from './fresh-runner-change';
import { imageSizes } from './image-sizes';
import { noChange } from './no-change';
import { plainPipeline } from './plain-pipeline';
import { readRaw, renderCharts } from './render-charts';
import { reportMarkdown, type AllResults } from './lib/report';
import { scale } from './scale';
import { smallChanges } from './small-changes';

const benchmarks: Benchmark[] = [noChange, freshRunner, freshRunnerChange, plainPipeline, smallChanges, imageSizes, scale, devLoop, apiReads, cacheServer];

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { runs: { type: 'string' }, ref: { type: 'string' }, quick: { type: 'boolean' }, baseline: { type: 'string' }, sizes: { type: 'string' } },
  });
  const names = positionals.length ? positionals : ['all'];
  if (names.includes('report')) {
    console.log(reportMarkdown(readRaw() as AllResults));
    return;
  }
  if (names.includes('chart')) {
    for (const file of await renderCharts()) console.log(`wrote ${file}`);
    return;
  }
  try {
    requireWorkspaceNode();
  } catch (e) {
    console.error(`bench: ${(e as Error).message}`);
    process.exit(2);
  }
  const chosen = names.includes('all') ? benchmarks : names.map((n) => benchmarks.find((b) => b.name === n) ?? usage(`unknown benchmark "${n}"`));
  const runs = values.runs === undefined ? undefined : Number(values.runs);
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) usage(`--runs must be a positive whole number, not "${values.runs}"`);
  if (values.ref) setBenchRef(values.ref);
  let sizes: number[] | undefined;
  try {
    sizes = values.sizes === undefined ? undefined : parseSizes(values.sizes);
  } catch (e) {
    usage((e as Error).message);
  }
  const logDir = join(tmpdir(), 'slipway-bench-logs');
  // A quick run is a smoke test: its numbers stay out of bench/results.
  const outDir = values.quick ? join(tmpdir(), 'slipway-bench-quick') : undefined;
  mkdirSync(logDir, { recursive: true });
  for (const b of chosen) {
    const log = join(logDir, `${b.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
    setLogFile(log);
    const startedAt = Date.now();
    const runsOf = runs ?? (values.quick ? 1 : b.defaultRuns);
    progress(`${b.title} — ${runsOf} run(s); full output in ${log}`);
    const checkpoint = (partial: Record<string, unknown>) => {
      const file = writeResult(b.name, { ...(partial as Parameters<typeof writeResult>[1]), title: b.title, startedAt }, outDir);
      progress(`${b.name}: results so far in ${file}`);
    };
    const result = await b.run({ runs: runsOf, checkpoint, quick: values.quick, baseline: values.baseline, sizes });
    const file = writeResult(b.name, { ...(result as Parameters<typeof writeResult>[1]), title: b.title, startedAt }, outDir);
    progress(`${b.name}: done in ${Math.round((Date.now() - startedAt) / 1000)} s; wrote ${file}`);
  }
}

function usage(message: string): never {
  console.error(`bench: ${message}\nusage: npm run bench -- <${benchmarks.map((b) => b.name).join('|')}|all|chart|report> [--runs N] [--ref COMMIT] [--quick] [--baseline COMMIT] [--sizes 3,20,50]`);
  process.exit(2);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`bench: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  },
);
