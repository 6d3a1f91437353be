import { reportMarkdown, type AllResults } from './report';

const machine = { date: '2026-11-25T03:00:00.000Z', cpus: 2, cpuModel: 'AMD EPYC', memGiB: 24, loadStart: 5, loadEnd: 9, commit: 'abc1234', versions: { engine: '20.10', buildx: 'v0.38.2', buildkit: 'v0.34.2' } };
const s = (median: number, min = median, max = median) => ({ median, min, max, n: 2 });

describe('reportMarkdown', () => {
  it('reports medians, ranges and paired ratios with the machine', () => {
    const r: AllResults = {
      'no-change': {
        runs: 2,
        wallSeconds: 600,
        machine,
        samplesMs: { nxAffected: [10_000, 20_000], nxRunMany: [10_000, 10_000], buildxAllImages: [40_000, 40_000] },
        summaryMs: { nxAffected: s(15_000, 10_000, 20_000), nxRunMany: s(10_000), buildxAllImages: s(40_000), buildxPerImage: { api: s(20_000) } },
      },
    };
    const md = reportMarkdown(r);
    expect(md).toContain('### 1. Nothing changed');
    expect(md).toContain('commit abc1234, 2 × AMD EPYC, 24 GiB; Docker 20.10, buildx v0.38.2, BuildKit v0.34.2; load average 5 at the start, 9 at the end; 2 run(s), 10 min');
    // Paired: 40/10 = 4 and 40/20 = 2, median 3.
    expect(md).toContain('| `nx affected -t docker-build` | 15.0 s (10.0–20.0, n=2) | ×3.0 (2.0–4.0) |');
    expect(md).toContain('| · api | 20.0 s (20.0–20.0, n=2) |  |');
    expect(md).not.toContain('### 2.');
  });

  it('says which layers small changes reused', () => {
    const md = reportMarkdown({
      'small-changes': {
        runs: 1,
        machine,
        scenarios: { web: { what: 'one web source file', coldImage: 'web', runs: [{ rebuilt: ['web'], npmCiCached: true }] } },
        samplesMs: { nxAffected: { web: [50_000] }, buildxCold: { web: [200_000] } },
        summaryMs: { nxAffected: { web: s(50_000) }, buildxCold: { web: s(200_000) } },
      },
    });
    expect(md).toContain('| one web source file | web (npm ci layer cached: yes) | 50.0 s (50.0–50.0, n=2) | web: 200.0 s (200.0–200.0, n=2) | ×4.0 (4.0–4.0) |');
  });

  it("shows the Go plugin's cold cost, old and new, and the cold graphs with each", () => {
    const point = (imageProjects: number, withGraphs: boolean) => ({
      imageProjects,
      generated: { goServices: 150, webApps: 40, goLibs: 20 },
      affectedByLibChange: 80,
      samplesMs: { coldGraph: [30_000] },
      summaryMs: {},
      goPlugin: {
        oldPluginRef: '81fdfd973e70f4432e20eb86c13f0ac86f0c5d7f',
        summaryMs: { old: s(400, 350, 700), new: s(440, 350, 550) },
        ratio: 1.1,
        ...(withGraphs ? { coldGraphMs: { old: [20_000, 30_000], new: [22_000, 32_000] } } : {}),
      },
    });
    const md = reportMarkdown({ scale: { runs: 2, machine, points: [point(50, false), point(200, true)] } });
    expect(md).toContain('the one before build closures (81fdfd9) and this one, in turn:');
    expect(md).toContain('| 50 | 400 ms (350–700) | 440 ms (350–550) | ×1.10 | — | — |');
    expect(md).toContain('| 200 | 400 ms (350–700) | 440 ms (350–550) | ×1.10 | 25.0 s (20.0–30.0, n=2) | 27.0 s (22.0–32.0, n=2) |');
  });
  it('says plainly when a result was measured under load, and when the machine was quiet', () => {
    const devLoop = (loadStart: number) => ({
      runs: 3,
      wallSeconds: 240,
      editsPerRun: 2,
      machine: { ...machine, loadStart, versions: {} },
      summaryMs: { bothAnswering: s(50_000), webAnswering: s(40_000), goEditToApi: s(10_000) },
    });
    expect(reportMarkdown({ 'dev-loop': devLoop(1.5) })).toContain(
      'load average 1.5 at the start, 9 at the end; 3 run(s), 4 min in all._ **Measured under load (1.5 or more at the start): not a quiet-machine number.**',
    );
    const quiet = reportMarkdown({ 'dev-loop': devLoop(1.49) });
    expect(quiet).toContain('4 min in all._ Quiet at the start (load below 1.5).');
    expect(quiet).not.toContain('under load');
  });

  it("reports the API's reads per database, with the Go version and the target", () => {
    const endpoint = (name: string, p50Ms: number, p99Ms: number, perSecond: number) => ({ name, p50Ms, p99Ms, perSecond });
    const run = (database: string, p99Ms: number) => ({
      database,
      builds: 50_000,
      images: 5_000,
      clients: 4,
      limit: 50,
      endpoints: [endpoint('GET /api/v1/images?limit=50, every page in turn', 2.24, p99Ms, 1421.95)],
      targetP99Ms: 50,
      meetsTarget: p99Ms < 50,
    });
    const md = reportMarkdown({
      'api-reads': { wallSeconds: 221, machine: { ...machine, loadStart: 1.12, versions: { go: 'go version go1.26.8 linux/amd64' } }, results: [run('sqlite', 7.2), run('postgres', 61)] },
    });
    expect(md).toContain('24 GiB; go1.26.8; load average 1.12 at the start, 9 at the end; 4 min in all._ Quiet at the start');
    expect(md).toContain('50 000 builds of 5 000 images, 4 concurrent clients, pages of 50.');
    expect(md).toContain('| request | SQLite p50 / p99 | SQLite req/s | PostgreSQL p50 / p99 | PostgreSQL req/s |');
    expect(md).toContain('| `GET /api/v1/images?limit=50`, every page in turn | 2.2 / 7.2 ms | 1422 | 2.2 / 61.0 ms | 1422 |');
    expect(md).toContain('The target, p99 under 50 ms for the image pages: met on SQLite, missed on PostgreSQL.');
  });
});

describe('reportMarkdown: fresh runners and workspace sizes', () => {
  const b = { baseResolve: 1, basePull: { seconds: 2, bytes: 3e6 }, cacheImport: 0.5, cachePull: { seconds: 4, bytes: 100e6 }, unpack: 3, compile: 6, otherSteps: 0.2, export: 1, internal: 0.3 };

  it('gives no-change a row per workspace size, with the fresh clone', () => {
    const point = (n: number, affected: number, buildx: number) => ({
      imageProjects: n,
      generated: { goServices: n - 3, webApps: 0 },
      load: { start: 0.4, end: 0.9 },
      summaryMs: { nxAffected: s(affected), freshCloneAffected: s(2_500), buildxAllImages: s(buildx) },
      ratios: { buildxOverNxAffected: s(buildx / affected), buildxOverFreshClone: s(buildx / 2_500) },
    });
    const md = reportMarkdown({
      'no-change': {
        machine,
        samplesMs: { nxAffected: [1_000], nxRunMany: [1_000], buildxAllImages: [3_000] },
        summaryMs: { nxAffected: s(1_000), nxRunMany: s(1_000), buildxAllImages: s(3_000), buildxPerImage: {} },
        points: [point(3, 1_000, 3_000), point(50, 1_100, 55_000)],
      },
    });
    expect(md).toContain('| 3 | the repository | 1.0 s (1.0–1.0, n=2) | 2.5 s (2.5–2.5, n=2) | 3.0 s (3.0–3.0, n=2) | ×3.0 (3.0–3.0) | ×1.2 (1.2–1.2) | 0.4–0.9 |');
    expect(md).toContain('| 50 | 47 Go services, 0 web apps | 1.1 s');
    expect(md).toContain('| ×50.0 (50.0–50.0) |');
  });

  it("reports the three builders of a change with both ratios and where the empty builder's time went", () => {
    const md = reportMarkdown({
      'fresh-runner-change': {
        machine,
        changes: [
          {
            project: 'api',
            file: 'go/apps/api/main.go',
            summaryMs: { emptyWithCache: s(12_000), warmBuilder: s(6_000), emptyNoCache: s(60_000) },
            ratios: { noCacheOverCache: s(5), cacheOverWarm: s(2) },
            breakdown: { emptyWithCache: [b, { ...b, compile: 8 }] },
            sameDigestOnEveryBuilder: true,
          },
        ],
      },
    });
    expect(md).toContain('### 9. A changed image on a fresh runner');
    expect(md).toContain('| api (`go/apps/api/main.go`) | 12.0 s (12.0–12.0, n=2) | 6.0 s (6.0–6.0, n=2) | 60.0 s (60.0–60.0, n=2) | ×5.0 (5.0–5.0) (target ≥ 4) | ×2.0 (2.0–2.0) (target ≤ 2.5) | yes |');
    // The compile step's mean over the two runs: (6 + 8) / 2.
    expect(md).toContain('| api | 1.0 s | 2.0 s (3.0 MB) | 0.5 s | 4.0 s (100.0 MB) | 3.0 s | 7.0 s | 0.2 s | 1.0 s |');
  });

  it('reports what each side of the plain pipeline comparison pushed', () => {
    const md = reportMarkdown({
      'plain-pipeline': {
        machine,
        sides: { plainStamped: 'plain, stamped', plainSameArgs: 'plain, same arguments', slipway: 'Slipway' },
        summaryMs: { plainStamped: s(40_000), plainSameArgs: s(12_000), slipway: s(6_000) },
        pushed: {
          plainStamped: [{ newBlobs: 6, newBlobBytes: 25e6, newManifests: 4 }],
          plainSameArgs: [{ newBlobs: 0, newBlobBytes: 0, newManifests: 0 }],
          slipway: [{ newBlobs: 0, newBlobBytes: 0, newManifests: 0 }],
        },
        ratios: { plainStampedOverSlipway: s(6.7), plainSameArgsOverSlipway: s(2) },
      },
    });
    expect(md).toContain('### 10. Nothing changed: the best plain pipeline');
    expect(md).toContain('| plain, stamped | 40.0 s (40.0–40.0, n=2) | 6 blobs, 25.0 MB, 4 manifests | ×6.7 (6.7–6.7) |');
    expect(md).toContain('| Slipway | 6.0 s (6.0–6.0, n=2) | 0 blobs, 0.0 MB, 0 manifests |  |');
  });
});
