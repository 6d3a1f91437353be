// Renders the charts of bench/README.md from bench/results/*.json: vega-lite specs
// (src/lib/chart-spec.ts) compiled to vega and rendered to SVG in Node, no browser.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { scaleRows, scaleSpec, sizeRows, sizeSpec, timeRows, timeSpec, type Results } from './lib/chart-spec';
import { resultsDir } from './lib/results';
import { repoRoot } from './lib/workspace';

export const chartsDir = join(repoRoot, 'bench', 'charts');

function read<T>(name: string): T | undefined {
  const file = join(resultsDir, `${name}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}

const NAMES = ['no-change', 'fresh-runner', 'fresh-runner-change', 'plain-pipeline', 'small-changes', 'image-sizes', 'scale', 'dev-loop', 'api-reads', 'cache-server'] as const;

/** Every result file there is, by benchmark name. */
export function readRaw(): Partial<Record<(typeof NAMES)[number], unknown>> {
  return Object.fromEntries(NAMES.map((n) => [n, read(n)]).filter(([, v]) => v !== undefined));
}

/** The same, under the names the chart builders use. */
export function readResults(): Results {
  const raw = readRaw() as Record<string, never>;
  return {
    noChange: raw['no-change'],
    freshRunner: raw['fresh-runner'],
    smallChanges: raw['small-changes'],
    imageSizes: raw['image-sizes'],
    scale: raw['scale'],
    devLoop: raw['dev-loop'],
  };
}

async function svg(spec: TopLevelSpec): Promise<string> {
  // vega 6 and vega-lite 6 are ESM with a top-level await (vega's optional canvas), which
  // require() cannot load: import() can.
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const out = await view.toSVG();
  view.finalize();
  return out;
}

/** Writes bench/charts/<name>.svg for every chart that has data; returns the files. */
export async function renderCharts(): Promise<string[]> {
  const r = readResults();
  mkdirSync(chartsDir, { recursive: true });
  const charts: [string, TopLevelSpec | undefined][] = [
    ['time', timeRows(r).length ? timeSpec(timeRows(r)) : undefined],
    ['sizes', sizeRows(r).length ? sizeSpec(sizeRows(r)) : undefined],
    ['scale', scaleRows(r).length ? scaleSpec(scaleRows(r)) : undefined],
  ];
  const written: string[] = [];
  for (const [name, spec] of charts) {
    if (!spec) continue;
    const file = join(chartsDir, `${name}.svg`);
    writeFileSync(file, `${await svg(spec)}\n`);
    written.push(file);
  }
  if (written.length === 0) throw new Error(`no results in ${resultsDir}: run a benchmark first (npm run bench -- all)`);
  return written;
}
