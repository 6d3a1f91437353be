// The report's tables for no-change at several sizes, fresh-runner-change and plain-pipeline.
import type { TimeBreakdown } from './buildkit-log';
import { formatRatio, formatSeconds, type Summary } from './stats';

const table = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const secs = (s: Summary | undefined) => (s ? formatSeconds(s) : '—');
const ratio = (s: Summary | undefined) => (s ? formatRatio(s) : '—');
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;

/** What the report reads of one no-change size. */
export interface NoChangePointView {
  imageProjects: number;
  generated: { goServices: number; webApps: number };
  load?: { start: number; end: number };
  summaryMs: { nxAffected: Summary; freshCloneAffected?: Summary; buildxAllImages: Summary };
  ratios: { buildxOverNxAffected: Summary; buildxOverFreshClone?: Summary };
}

/** One row per workspace size: Slipway's no-change with a warm graph and in a fresh clone, against BuildKit-warm builds. */
export function noChangeSizesMarkdown(points: NoChangePointView[]): string {
  const rows = points.map((p) => [
    String(p.imageProjects),
    p.imageProjects > 3 ? `${p.generated.goServices} Go services, ${p.generated.webApps} web apps` : 'the repository',
    secs(p.summaryMs.nxAffected),
    secs(p.summaryMs.freshCloneAffected),
    secs(p.summaryMs.buildxAllImages),
    ratio(p.ratios.buildxOverNxAffected),
    ratio(p.ratios.buildxOverFreshClone),
    p.load ? `${p.load.start}–${p.load.end}` : '—',
  ]);
  return table(
    ['image projects', 'generated', '`nx affected -t docker-build`, warm graph', 'the same in a fresh clone (remote cache)', '`docker buildx build` of every image, BuildKit warm', 'warm graph vs buildx', 'fresh clone vs buildx', 'load'],
    rows,
  );
}

/** What the report reads of fresh-runner-change. */
export interface FreshRunnerChangeView {
  changes: {
    project: string;
    file: string;
    summaryMs: Partial<Record<'emptyWithCache' | 'warmBuilder' | 'emptyNoCache', Summary>>;
    ratios?: { noCacheOverCache: Summary; cacheOverWarm: Summary };
    breakdown: { emptyWithCache: BreakdownView[] };
    sameDigestOnEveryBuilder: boolean;
  }[];
}
/** What a result file keeps of a time breakdown (the step lists aside). */
type BreakdownView = Omit<TimeBreakdown, 'cachedSteps' | 'ranSteps'>;

/** The mean of one part of (a)'s breakdown over the runs, in seconds. */
function mean(xs: BreakdownView[], part: (b: BreakdownView) => number): number {
  return xs.length ? xs.reduce((a, b) => a + part(b), 0) / xs.length : 0;
}

/** The three builders per change, the two ratios against their targets, and where (a)'s time went. */
export function freshRunnerChangeMarkdown(r: FreshRunnerChangeView): string {
  const rows = r.changes.map((c) => [
    `${c.project} (\`${c.file}\`)`,
    secs(c.summaryMs.emptyWithCache),
    secs(c.summaryMs.warmBuilder),
    secs(c.summaryMs.emptyNoCache),
    `${ratio(c.ratios?.noCacheOverCache)}${c.project === 'api' ? ' (target ≥ 4)' : ''}`,
    `${ratio(c.ratios?.cacheOverWarm)} (target ≤ 2.5)`,
    c.sameDigestOnEveryBuilder ? 'yes' : '**no**',
  ]);
  const parts = r.changes.map((c) => {
    const b = c.breakdown.emptyWithCache;
    const s = (x: number) => `${x.toFixed(1)} s`;
    return [
      c.project,
      s(mean(b, (x) => x.baseResolve)),
      `${s(mean(b, (x) => x.basePull.seconds))} (${mb(mean(b, (x) => x.basePull.bytes))})`,
      s(mean(b, (x) => x.cacheImport)),
      `${s(mean(b, (x) => x.cachePull.seconds))} (${mb(mean(b, (x) => x.cachePull.bytes))})`,
      s(mean(b, (x) => x.unpack)),
      s(mean(b, (x) => x.compile)),
      s(mean(b, (x) => x.otherSteps)),
      s(mean(b, (x) => x.export)),
    ];
  });
  return [
    table(['changed', '(a) empty builder + registry cache', '(b) warm builder', '(c) empty builder, no cache', '(c) / (a)', '(a) / (b)', 'same digest'], rows),
    '',
    "Where (a)'s time went (BuildKit's plain log, mean over the runs; parts run side by side, so they can add up to more than the wall time):",
    '',
    table(['changed', 'base resolve', 'base pull', 'cache import', 'cache layers pull', 'unpacking', 'compile step', 'other steps', 'export and push'], parts),
  ].join('\n');
}

/** What the report reads of plain-pipeline. */
export interface PlainPipelineView {
  sides: Record<string, string>;
  summaryMs: Partial<Record<'plainStamped' | 'plainSameArgs' | 'slipway' | 'gitClone', Summary>>;
  pushed: Record<'plainStamped' | 'plainSameArgs' | 'slipway', { newBlobs: number; newBlobBytes: number; newManifests: number }[]>;
  ratios?: { plainStampedOverSlipway: Summary; plainSameArgsOverSlipway: Summary };
}

/** Each side's wall time and what it pushed, per run. */
export function plainPipelineMarkdown(r: PlainPipelineView): string {
  const pushed = (xs: { newBlobs: number; newBlobBytes: number; newManifests: number }[]) =>
    xs.map((x) => `${x.newBlobs} blobs, ${mb(x.newBlobBytes)}, ${x.newManifests} manifests`).join('; ') || '—';
  const sides = ['plainStamped', 'plainSameArgs', 'slipway'] as const;
  const vs = { plainStamped: r.ratios?.plainStampedOverSlipway, plainSameArgs: r.ratios?.plainSameArgsOverSlipway, slipway: undefined };
  return table(
    ['', 'wall time', 'new in the registry (per run)', 'vs Slipway (paired runs)'],
    sides.map((s) => [r.sides[s] ?? s, secs(r.summaryMs[s]), pushed(r.pushed[s] ?? []), vs[s] ? formatRatio(vs[s]) : '']),
  );
}
