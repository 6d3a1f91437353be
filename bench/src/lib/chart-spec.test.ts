import { compile } from 'vega-lite';
import { COLD, scaleRows, scaleSpec, sizeRows, sizeSpec, SLIPWAY, timeRows, timeSpec, WARM, type Results } from './chart-spec';

const s = (median: number, min = median, max = median) => ({ median, min, max, n: 3 });

const results: Results = {
  noChange: { summaryMs: { nxAffected: s(6_000, 5_500, 9_000), buildxAllImages: s(40_000) } },
  freshRunner: { summaryMs: { nxRemoteCache: s(12_000), buildxCold: s(300_000), buildxWarm: s(45_000) } },
  smallChanges: { summaryMs: { nxAffected: { api: s(30_000), web: s(90_000), lockfile: s(8_000) }, buildxCold: { api: s(80_000), web: s(200_000) } } },
  imageSizes: { images: { api: { multiStage: { addedBytes: 10_465_464, totalBytes: 12_700_000 }, singleStage: { addedBytes: 400_000_000, totalBytes: 788_000_000 } } } },
  scale: { points: [{ imageProjects: 10, summaryMs: { showAffected: s(7_000), noChangeAffectedBuild: s(8_000, 7_000, 9_500) } }] },
};

describe('timeRows', () => {
  it('puts each scenario next to its comparisons, in seconds', () => {
    const rows = timeRows(results);
    expect(rows.filter((r) => r.scenario === 'nothing changed (all images)')).toEqual([
      { scenario: 'nothing changed (all images)', method: SLIPWAY, median: 6, min: 5.5, max: 9 },
      { scenario: 'nothing changed (all images)', method: WARM, median: 40, min: 40, max: 40 },
    ]);
    expect(rows.filter((r) => r.scenario.startsWith('fresh')).map((r) => [r.method, r.median])).toEqual([
      [SLIPWAY, 12],
      [WARM, 45],
      [COLD, 300],
    ]);
    // The lockfile change is compared with a cold build of web, the image it could have rebuilt.
    expect(rows.filter((r) => r.scenario.startsWith('lockfile')).map((r) => [r.method, r.median])).toEqual([
      [SLIPWAY, 8],
      [COLD, 200],
    ]);
  });

  it('leaves out benchmarks that have not run', () => {
    expect(timeRows({})).toEqual([]);
  });
});

describe('sizeRows and scaleRows', () => {
  it('give MB added over the base, and seconds per workspace size', () => {
    expect(sizeRows(results)).toEqual([
      { image: 'api', variant: 'multi-stage (the Dockerfiles)', mb: 10.5 },
      { image: 'api', variant: 'single-stage variant', mb: 400 },
    ]);
    expect(scaleRows(results).map((r) => [r.projects, r.median, r.min, r.max])).toEqual([
      [10, 7, 7, 7],
      [10, 8, 7, 9.5],
    ]);
  });
});

describe('the specs', () => {
  it.each([
    ['time', timeSpec(timeRows(results))],
    ['sizes', sizeSpec(sizeRows(results))],
    ['scale', scaleSpec(scaleRows(results))],
  ])('%s compiles with vega-lite and carries its rows', (_name, spec) => {
    const compiled = compile(spec).spec;
    expect(compiled.marks?.length).toBeGreaterThan(0);
    expect(JSON.stringify(compiled.data)).toContain('"values"');
  });
});
