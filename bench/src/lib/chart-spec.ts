import type { TopLevelSpec } from 'vega-lite';
import type { Summary } from './stats';

/** One bar of the time chart: a scenario, how it was done, and the median and range in seconds. */
export interface TimeRow {
  scenario: string;
  method: string;
  median: number;
  min: number;
  max: number;
}

/** The parts of bench/results/*.json the charts read (absent when that benchmark has not run). */
export interface Results {
  noChange?: { summaryMs: { nxAffected: Summary; buildxAllImages: Summary } };
  freshRunner?: { summaryMs: { nxRemoteCache: Summary; buildxCold: Summary; buildxWarm: Summary } };
  smallChanges?: { summaryMs: { nxAffected: Record<string, Summary>; buildxCold: Record<string, Summary> } };
  imageSizes?: { images: Record<string, { multiStage: { addedBytes: number; totalBytes: number }; singleStage?: { addedBytes: number; totalBytes: number } }> };
  scale?: { points: { imageProjects: number; summaryMs: Record<string, Summary> }[] };
  devLoop?: { summaryMs: { bothAnswering: Summary; goEditToApi: Summary } };
}

export const SLIPWAY = 'Slipway (Nx: affected + cache)';
export const WARM = 'docker buildx build, BuildKit cache warm';
export const COLD = 'docker buildx build --no-cache';

const seconds = (method: string, scenario: string, s: Summary): TimeRow => ({
  scenario,
  method,
  median: round(s.median / 1000),
  min: round(s.min / 1000),
  max: round(s.max / 1000),
});
const round = (x: number) => Math.round(x * 10) / 10;

/** The rows of the time chart, scenario by scenario, from whichever results exist. */
export function timeRows(r: Results): TimeRow[] {
  const rows: TimeRow[] = [];
  if (r.noChange) {
    const s = 'nothing changed (all images)';
    rows.push(seconds(SLIPWAY, s, r.noChange.summaryMs.nxAffected), seconds(WARM, s, r.noChange.summaryMs.buildxAllImages));
  }
  if (r.freshRunner) {
    const s = 'fresh CI runner (all images)';
    const f = r.freshRunner.summaryMs;
    rows.push(seconds(SLIPWAY, s, f.nxRemoteCache), seconds(WARM, s, f.buildxWarm), seconds(COLD, s, f.buildxCold));
  }
  if (r.smallChanges) {
    const { nxAffected, buildxCold } = r.smallChanges.summaryMs;
    const cases: [string, string, string][] = [
      ['api', 'api', 'one Go file (api rebuilds)'],
      ['web', 'web', 'one web file (web rebuilds)'],
      ['lockfile', 'web', 'lockfile, unused package'],
    ];
    for (const [key, image, label] of cases) {
      const nx = nxAffected[key];
      const cold = buildxCold[image];
      if (nx) rows.push(seconds(SLIPWAY, label, nx));
      if (cold) rows.push(seconds(COLD, label, cold));
    }
  }
  return rows;
}

/**
 * Medians as dots with min–max whiskers on a log axis, one group per scenario: the times
 * span from seconds (cache hits) to half an hour (cold Go builds), so bars would hide
 * the short ones.
 */
export function timeSpec(rows: TimeRow[]): TopLevelSpec {
  const scenarios = [...new Set(rows.map((r) => r.scenario))];
  const methods = [SLIPWAY, WARM, COLD];
  const y = { field: 'scenario', type: 'nominal' as const, sort: scenarios, title: null };
  const yOffset = { field: 'method', type: 'nominal' as const, sort: methods };
  const x = { type: 'quantitative' as const, scale: { type: 'log' as const } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Wall time, Slipway vs plain BuildKit builds (median, whiskers: min–max; log scale)', anchor: 'start' },
    width: 520,
    height: { step: 16 },
    data: { values: rows },
    encoding: { y, yOffset },
    layer: [
      { mark: { type: 'rule' }, encoding: { x: { ...x, field: 'min' }, x2: { field: 'max' } } },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x: { ...x, field: 'median', title: 'seconds' },
          color: { field: 'method', type: 'nominal', sort: methods, title: null, scale: { domain: methods, range: ['#2a9d8f', '#e9c46a', '#e76f51'] } },
        },
      },
      { mark: { type: 'text', align: 'left', dx: 6, fontSize: 10 }, encoding: { x: { ...x, field: 'max' }, text: { field: 'median', type: 'quantitative', format: '.1f' } } },
    ],
    config: { legend: { orient: 'bottom', columns: 1, labelLimit: 500 }, axis: { labelLimit: 260 } },
  };
}

/** One bar of the size chart, in MB. */
export interface SizeRow {
  image: string;
  variant: string;
  mb: number;
}

/** Bytes added over the base, multi-stage against single-stage, per image. */
export function sizeRows(r: Results): SizeRow[] {
  const rows: SizeRow[] = [];
  for (const [image, s] of Object.entries(r.imageSizes?.images ?? {})) {
    rows.push({ image, variant: 'multi-stage (the Dockerfiles)', mb: round(s.multiStage.addedBytes / 1e6) });
    if (s.singleStage) rows.push({ image, variant: 'single-stage variant', mb: round(s.singleStage.addedBytes / 1e6) });
  }
  return rows;
}

export function sizeSpec(rows: SizeRow[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'MB added over the base image (uncompressed; bases are offline stand-ins)', anchor: 'start' },
    width: 520,
    height: { step: 18 },
    data: { values: rows },
    encoding: {
      y: { field: 'image', type: 'nominal', title: null },
      yOffset: { field: 'variant', type: 'nominal' },
    },
    layer: [
      { mark: 'bar', encoding: { x: { field: 'mb', type: 'quantitative', title: 'MB' }, color: { field: 'variant', type: 'nominal', title: null, scale: { range: ['#2a9d8f', '#e76f51'] } } } },
      { mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 }, encoding: { x: { field: 'mb', type: 'quantitative' }, text: { field: 'mb', type: 'quantitative', format: '.1f' } } },
    ],
    config: { legend: { orient: 'bottom', labelLimit: 500 }, axis: { labelLimit: 260 } },
  };
}

/** One point of the scale chart. */
export interface ScaleRow {
  projects: number;
  measure: string;
  median: number;
  min: number;
  max: number;
}

const SCALE_MEASURES: Record<string, string> = {
  showAffected: 'nx show projects --affected (a shared Go library changed)',
  noChangeAffectedBuild: 'nx affected -t docker-build (a doc changed: nothing to build)',
};

export function scaleRows(r: Results): ScaleRow[] {
  return (r.scale?.points ?? []).flatMap((p) =>
    Object.entries(SCALE_MEASURES).flatMap(([key, measure]) => {
      const s = p.summaryMs[key];
      return s ? [{ projects: p.imageProjects, measure, median: round(s.median / 1000), min: round(s.min / 1000), max: round(s.max / 1000) }] : [];
    }),
  );
}

export function scaleSpec(rows: ScaleRow[]): TopLevelSpec {
  const ticks: number[] = [...new Set(rows.map((r) => r.projects))];
  const x = { field: 'projects', type: 'quantitative' as const, title: 'image projects in the workspace', scale: { type: 'log' as const, nice: false }, axis: { values: ticks } };
  const color = { field: 'measure', type: 'nominal', title: null } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'Nx time as the workspace grows (daemon off; median, bars: min–max)', anchor: 'start' },
    width: 520,
    height: 260,
    data: { values: rows },
    layer: [
      { mark: { type: 'line', point: true }, encoding: { x, y: { field: 'median', type: 'quantitative', title: 'seconds' }, color } },
      { mark: 'rule', encoding: { x, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' }, color } },
    ],
    config: { legend: { orient: 'bottom', columns: 1, labelLimit: 500 }, axis: { labelLimit: 260 } },
  };
}
