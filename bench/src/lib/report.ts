import { cacheServerMarkdown } from '../cache-server';
import { freshRunnerChangeMarkdown, noChangeSizesMarkdown, plainPipelineMarkdown, type FreshRunnerChangeView, type NoChangePointView, type PlainPipelineView } from './report-runners';
import { formatRatio, formatSeconds, pairedSpeedup, summarize, type Summary } from './stats';

/** What the report reads of one result file: its machine, and the rest by benchmark. */
interface Base {
  title?: string;
  /** Repetitions of each measured step (absent where the benchmark has none). */
  runs?: number;
  wallSeconds?: number;
  machine: { date: string; cpus: number; cpuModel: string; memGiB: number; loadStart: number; loadEnd?: number; commit: string; versions?: Record<string, string> };
}

export interface AllResults {
  'no-change'?: Base & {
    samplesMs: { nxAffected: number[]; nxRunMany: number[]; buildxAllImages: number[] };
    summaryMs: { nxAffected: Summary; nxRunMany: Summary; buildxAllImages: Summary; buildxPerImage: Record<string, Summary> };
    /** One per workspace size (absent in results from before sizes). */
    points?: NoChangePointView[];
  };
  'fresh-runner-change'?: Base & FreshRunnerChangeView;
  'plain-pipeline'?: Base & PlainPipelineView;
  'fresh-runner'?: Base & {
    samplesMs: { nxRemoteCache: number[]; buildxCold: number[]; buildxWarm: number[] };
    summaryMs: { gitClone: Summary; nxRemoteCache: Summary; buildxCold: Summary; buildxWarm: Summary; buildxColdPerImage: Record<string, Summary> };
  };
  'small-changes'?: Base & {
    scenarios: Record<string, { what: string; coldImage: string; runs: { rebuilt: string[]; npmCiCached?: boolean; goModCached?: boolean }[] }>;
    samplesMs: { nxAffected: Record<string, number[]>; buildxCold: Record<string, number[]> };
    summaryMs: { nxAffected: Record<string, Summary>; buildxCold: Record<string, Summary> };
  };
  'image-sizes'?: Base & { images: Record<string, SizeEntry> };
  scale?: Base & {
    points: {
      imageProjects: number;
      generated: { goServices: number; webApps: number; goLibs: number };
      affectedByLibChange: number;
      samplesMs: { coldGraph: number[] };
      summaryMs: Record<string, Summary>;
      /** Absent in results from before the Go plugin hashed build closures. */
      goPlugin?: { oldPluginRef: string; summaryMs: { old: Summary; new: Summary }; ratio: number; coldGraphMs?: { old: number[]; new: number[] } };
    }[];
  };
  'dev-loop'?: Base & { editsPerRun: number; summaryMs: { bothAnswering: Summary; webAnswering: Summary; goEditToApi: Summary } };
  'api-reads'?: Base & { results: ReadbenchResult[] };
  'cache-server'?: Base & Parameters<typeof cacheServerMarkdown>[0];
}

/** One database's run of go/apps/api/cmd/readbench, as api-reads keeps it. */
interface ReadbenchResult {
  database: string;
  builds: number;
  images: number;
  clients: number;
  limit: number;
  endpoints: { name: string; perSecond: number; p50Ms: number; p99Ms: number }[];
  targetP99Ms: number;
  meetsTarget: boolean;
}

interface Measured {
  base: string;
  baseIsStandIn: boolean;
  baseBytes: number;
  addedBytes: number;
  totalBytes: number;
  addedLayers: { bytes: number; createdBy: string }[];
}
interface SizeEntry {
  multiStage: Measured;
  singleStage?: Measured;
  reductionPercent?: number;
  addedReductionPercent?: number;
  decisionRecord?: { singleStageMB: number; multiStageMB: number; reductionPercent: number };
}

const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
/** 50000 as `50 000`. */
const count = (n: number | undefined) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
const table = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/**
 * A result whose 1-minute load average at the start was this or more was measured on a busy
 * machine (the development VM is shared): its times are not what a quiet machine gives.
 */
export const QUIET_LOAD = 1.5;

/** The tool versions a result names, in a fixed order. */
function versions(v: Record<string, string> = {}): string {
  const named = [
    v['engine'] && `Docker ${v['engine']}`,
    v['buildx'] && `buildx ${v['buildx']}`,
    v['buildkit'] && `BuildKit ${v['buildkit']}`,
    v['go'] && (/go\d[^\s]*/.exec(v['go'])?.[0] ?? v['go']),
  ].filter(Boolean);
  return named.length ? `; ${named.join(', ')}` : '';
}

/**
 * The date, commit, machine and load of a result in one line, and whether the machine was
 * quiet; `untimed` for a result whose figures (sizes) the load does not change.
 */
function machineLine(r: Base, untimed = false): string {
  const m = r.machine;
  const runs = r.runs === undefined ? '' : `; ${r.runs} run(s)`;
  const wall = r.wallSeconds === undefined ? '' : `${runs ? ',' : ';'} ${Math.round(r.wallSeconds / 60)} min in all`;
  const busy = m.loadStart >= QUIET_LOAD;
  const conditions = !busy
    ? ` Quiet at the start (load below ${QUIET_LOAD}).`
    : untimed
      ? ` Measured under load (${QUIET_LOAD} or more at the start), which changes how long it took, not the sizes.`
      : ` **Measured under load (${QUIET_LOAD} or more at the start): not a quiet-machine number.**`;
  return `_${m.date.slice(0, 16).replace('T', ' ')} UTC, commit ${m.commit}, ${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB${versions(m.versions)}; load average ${m.loadStart} at the start, ${m.loadEnd ?? '?'} at the end${runs}${wall}._${conditions}`;
}

/** The "Last numbers" of each benchmark in bench/README.md, from the result files there are. */
export function reportMarkdown(r: AllResults): string {
  const out: string[] = [];
  const nc = r['no-change'];
  if (nc) {
    const s = nc.summaryMs;
    out.push('### 1. Nothing changed', machineLine(nc), '');
    out.push(
      table(
        ['', 'median (min–max)', 'vs docker buildx build (paired runs)'],
        [
          ['`nx affected -t docker-build`', formatSeconds(s.nxAffected), formatRatio(pairedSpeedup(nc.samplesMs.buildxAllImages, nc.samplesMs.nxAffected))],
          ['`nx run-many -t docker-build` (every image, all cache hits)', formatSeconds(s.nxRunMany), formatRatio(pairedSpeedup(nc.samplesMs.buildxAllImages, nc.samplesMs.nxRunMany))],
          ['`docker buildx build` of every image, BuildKit cache warm', formatSeconds(s.buildxAllImages), ''],
          ...Object.entries(s.buildxPerImage).map(([k, v]) => [`· ${k}`, formatSeconds(v), '']),
        ],
      ),
      '',
    );
    if (nc.points && nc.points.length > 1) out.push('At each workspace size (the scale generator\'s projects above 3; paired ratios):', '', noChangeSizesMarkdown(nc.points), '');
  }
  const fr = r['fresh-runner'];
  if (fr) {
    const s = fr.summaryMs;
    out.push('### 2. Fresh CI runner', machineLine(fr), '');
    out.push(
      table(
        ['', 'median (min–max)', 'speed-up of the remote cache (paired runs)'],
        [
          ['`git clone` (not in the times below)', formatSeconds(s.gitClone), ''],
          ['fresh clone, `nx run-many -t docker-build`, remote cache warm', formatSeconds(s.nxRemoteCache), ''],
          ['`docker buildx build --no-cache` of every image (cold)', formatSeconds(s.buildxCold), formatRatio(pairedSpeedup(fr.samplesMs.buildxCold, fr.samplesMs.nxRemoteCache))],
          ...Object.entries(s.buildxColdPerImage).map(([k, v]) => [`· ${k}`, formatSeconds(v), '']),
          ['`docker buildx build` of every image, BuildKit cache warm', formatSeconds(s.buildxWarm), formatRatio(pairedSpeedup(fr.samplesMs.buildxWarm, fr.samplesMs.nxRemoteCache))],
        ],
      ),
      '',
    );
  }
  const sc = r['small-changes'];
  if (sc) {
    out.push('### 3. Small changes', machineLine(sc), '');
    const rows = Object.entries(sc.scenarios).map(([key, sce]) => {
      const nx = sc.summaryMs.nxAffected[key];
      const cold = sc.summaryMs.buildxCold[sce.coldImage];
      const rebuilt = [...new Set(sce.runs.map((x) => x.rebuilt.join(', ') || 'nothing'))].join(' / ');
      const layers = [
        sce.runs.some((x) => x.npmCiCached !== undefined) ? `npm ci layer cached: ${sce.runs.map((x) => (x.npmCiCached ? 'yes' : 'no')).join(', ')}` : '',
        sce.runs.some((x) => x.goModCached !== undefined) ? `go mod download layer cached: ${sce.runs.map((x) => (x.goModCached ? 'yes' : 'no')).join(', ')}` : '',
      ].filter(Boolean);
      const ratio = formatRatio(pairedSpeedup(sc.samplesMs.buildxCold[sce.coldImage] ?? [], sc.samplesMs.nxAffected[key] ?? []));
      return [sce.what, `${rebuilt}${layers.length ? ` (${layers.join('; ')})` : ''}`, nx ? formatSeconds(nx) : '', `${sce.coldImage}: ${cold ? formatSeconds(cold) : ''}`, ratio];
    });
    out.push(table(['change', 'Nx rebuilt', '`nx affected -t docker-build`', 'cold build of the image', 'speed-up (paired runs)'], rows), '');
  }
  const is = r['image-sizes'];
  if (is) {
    out.push('### 4. Image sizes', machineLine(is, true), '');
    const rows = Object.entries(is.images).map(([name, e]) => [
      name,
      `${e.multiStage.base}${e.multiStage.baseIsStandIn ? ' (stand-in)' : ''}: ${mb(e.multiStage.baseBytes)}`,
      `${mb(e.multiStage.addedBytes)} in ${e.multiStage.addedLayers.length} layer(s)`,
      mb(e.multiStage.totalBytes),
      e.singleStage ? `${mb(e.singleStage.totalBytes)} (${mb(e.singleStage.addedBytes)} over ${e.singleStage.base})` : '—',
      e.reductionPercent !== undefined ? `${e.reductionPercent}% (added: ${e.addedReductionPercent}%)` : '—',
      e.decisionRecord ? `${e.decisionRecord.multiStageMB} MB vs ${e.decisionRecord.singleStageMB} MB: ~${e.decisionRecord.reductionPercent}%` : '—',
    ]);
    out.push(table(['image', 'base', 'added over the base', 'total', 'single-stage variant: total (added)', 'multi-stage smaller by', 'expected (official bases)'], rows), '');
    for (const [name, e] of Object.entries(is.images)) {
      out.push(`Layers ${name} adds: ${e.multiStage.addedLayers.map((l) => `${mb(l.bytes)} \`${l.createdBy.replace(/\s+/g, ' ').replace(/\|/g, '\\|').slice(0, 70)}\``).join('; ') || 'none'}.`, '');
    }
  }
  const sl = r.scale;
  if (sl) {
    out.push('### 5. Scale', machineLine(sl), '');
    const rows = sl.points.map((p) => [
      String(p.imageProjects),
      `${p.generated.goServices} services, ${p.generated.webApps} web apps, ${p.generated.goLibs} libraries`,
      formatSeconds({ median: p.samplesMs.coldGraph[0] ?? 0, min: p.samplesMs.coldGraph[0] ?? 0, max: p.samplesMs.coldGraph[0] ?? 0, n: 1 }),
      `${p.summaryMs['showAffected'] ? formatSeconds(p.summaryMs['showAffected']) : ''}; ${p.affectedByLibChange} affected`,
      p.summaryMs['noChangeAffectedBuild'] ? formatSeconds(p.summaryMs['noChangeAffectedBuild']) : '',
    ]);
    out.push(table(['image projects', 'generated', 'first graph (cold)', '`nx show projects --affected` (a shared Go library changed)', 'no-change `nx affected -t docker-build`'], rows), '');
    const go = sl.points.filter((p) => p.goPlugin);
    if (go.length) {
      const ms = (s: Summary): string => `${Math.round(s.median)} ms (${Math.round(s.min)}–${Math.round(s.max)})`;
      const graphs = (xs: number[] | undefined): string => (xs?.length ? formatSeconds(summarize(xs)) : '—');
      const goRows = go.map((p) => {
        const g = p.goPlugin as NonNullable<typeof p.goPlugin>;
        return [String(p.imageProjects), ms(g.summaryMs.old), ms(g.summaryMs.new), `×${g.ratio.toFixed(2)}`, graphs(g.coldGraphMs?.old), graphs(g.coldGraphMs?.new)];
      });
      out.push(
        `The Go plugin in a cold graph (its caches empty), the one before build closures (${go[0]?.goPlugin?.oldPluginRef.slice(0, 7)}) and this one, in turn:`,
        '',
        table(['image projects', 'old plugin: createNodes + createDependencies', 'new plugin', 'new / old', 'cold graph, old plugin', 'cold graph, new plugin'], goRows),
        '',
      );
    }
  }
  const dl = r['dev-loop'];
  if (dl) {
    out.push('### 6. The dev loop', machineLine(dl), '');
    out.push(
      table(
        ['', 'median (min–max)'],
        [
          ['`npm run dev` → the web dev server answers', formatSeconds(dl.summaryMs.webAnswering)],
          ['`npm run dev` → both answer (web, and the API through its /api proxy)', formatSeconds(dl.summaryMs.bothAnswering)],
          [`Go file saved → the API answers with the change (${dl.editsPerRun} edits per run)`, formatSeconds(dl.summaryMs.goEditToApi)],
        ],
      ),
      '',
    );
  }
  const ar = r['api-reads'];
  if (ar) {
    out.push('### 7. The ledger API\'s reads', machineLine(ar), '');
    const [first] = ar.results;
    const label = (db: string) => (db === 'sqlite' ? 'SQLite' : db === 'postgres' ? 'PostgreSQL' : db);
    const head = ['request', ...ar.results.flatMap((x) => [`${label(x.database)} p50 / p99`, `${label(x.database)} req/s`])];
    const rows = (first?.endpoints ?? []).map((e, i) => [
      e.name.replace(/^(\w+ [^\s,]+)/, '`$1`'),
      ...ar.results.flatMap((x) => {
        const m = x.endpoints[i];
        return m ? [`${m.p50Ms.toFixed(1)} / ${m.p99Ms.toFixed(1)} ms`, String(Math.round(m.perSecond))] : ['', ''];
      }),
    ]);
    out.push(
      `${count(first?.builds)} builds of ${count(first?.images)} images, ${first?.clients} concurrent clients, pages of ${first?.limit}.`,
      '',
      table(head, rows),
      '',
      `The target, p99 under ${first?.targetP99Ms} ms for the image pages: ${ar.results.map((x) => `${x.meetsTarget ? 'met' : 'missed'} on ${label(x.database)}`).join(', ')}.`,
      '',
    );
  }
  const cs = r['cache-server'];
  if (cs) out.push('### 8. The remote cache server', machineLine(cs), '', cacheServerMarkdown(cs), '');
  const frc = r['fresh-runner-change'];
  if (frc) out.push('### 9. A changed image on a fresh runner', machineLine(frc), '', freshRunnerChangeMarkdown(frc), '');
  const pp = r['plain-pipeline'];
  if (pp) out.push('### 10. Nothing changed: the best plain pipeline', machineLine(pp), '', plainPipelineMarkdown(pp), '');
  return out.join('\n');
}
