// The remote cache server (go/apps/cache) under load, on loopback: PUTs of many small
// and a few large entries, GET hits at 8 and 32 concurrent clients, misses at 32, its
// CPU time per MB served and its peak memory. Each run measures the server as it is and
// the same commit built with `-tags slipway_noverify`, which serves entries without any
// integrity check, so the cost of the check shows; `--baseline <commit>` adds the
// server of another commit (e.g. the one before a change), all in alternating order.
// The load client is go/apps/cache/cmd/cacheload (one process per phase).
import { execFile, execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Benchmark } from './lib/bench';
import { startCacheProcess, type CacheProcess } from './lib/cache-process';
import { machine } from './lib/results';
import { progress } from './lib/run';
import { formatRatio, pairedSpeedup, summarize, type Summary } from './lib/stats';
import { cloneHead, type Clone } from './lib/workspace';

/** Entry counts and sizes, and how long each GET phase lasts. */
interface Sizes {
  small: { count: number; bytes: number };
  large: { count: number; bytes: number };
  getSeconds: number;
}

const FULL: Sizes = { small: { count: 500, bytes: 64 << 10 }, large: { count: 50, bytes: 8 << 20 }, getSeconds: 10 };
/** `--quick`: a smoke run that shows the benchmark works, not a measurement. */
const QUICK: Sizes = { small: { count: 40, bytes: 64 << 10 }, large: { count: 4, bytes: 8 << 20 }, getSeconds: 1 };

/**
 * A check is trusted only once the file is 2 s older than it (go/apps/cache, verified.go):
 * the GET phases start that long after the last PUT, as reads in CI come minutes after
 * the write, not within 2 s.
 */
const SETTLE_MS = 2500;

const READ_TOKEN = 'bench-read';
const WRITE_TOKEN = 'bench-write';

/** What cacheload measured in one phase, at the client. */
interface LoadResult {
  requests: number;
  /** Bodies sent and received. */
  bytes: number;
  ms: number;
  unexpected: number;
  example?: string;
}

/** One phase: what the client saw and what the server spent. */
interface Phase extends LoadResult {
  concurrency: number;
  mbPerS: number;
  reqPerS: number;
  serverCpuMs: number;
  /** Server CPU ms per MB moved (bodies both ways). */
  serverCpuMsPerMB: number;
}

export interface RunResult {
  putSmall: Phase;
  putLarge: Phase;
  getLarge8: Phase;
  getLarge32: Phase;
  getSmall32: Phase;
  miss32: Phase;
  peakRssMB: number;
  /** The server's own account (/metrics), where it gives one: seconds per phase of the PUTs, directory fsyncs, checks of hits. */
  server: Record<string, number>;
}

const PHASES = ['putSmall', 'putLarge', 'getLarge8', 'getLarge32', 'getSmall32', 'miss32'] as const;

interface Variant {
  name: string;
  what: string;
  bin: string;
}

function buildGo(goModule: string, pkg: string, out: string, tags?: string): string {
  execFileSync('go', ['build', '-trimpath', ...(tags ? ['-tags', tags] : []), '-o', out, pkg], {
    cwd: goModule,
    env: { ...process.env, CGO_ENABLED: '0' },
    stdio: 'ignore',
  });
  return out;
}

const run = promisify(execFile);

/** Runs one cacheload phase against the server, measuring the server's CPU time around it. */
async function phase(client: string, server: CacheProcess, concurrency: number, args: string[]): Promise<Phase> {
  const cpu0 = server.cpuMs();
  const { stdout } = await run(client, ['-url', server.url, '-c', String(concurrency), ...args], { maxBuffer: 1 << 20 });
  const serverCpuMs = server.cpuMs() - cpu0;
  const r = JSON.parse(stdout) as LoadResult;
  if (r.unexpected) throw new Error(`${r.unexpected} of ${r.requests} requests got an unexpected answer, e.g. ${r.example}`);
  const mb = r.bytes / 1e6;
  return { ...r, concurrency, mbPerS: mb / (r.ms / 1000), reqPerS: r.requests / (r.ms / 1000), serverCpuMs, serverCpuMsPerMB: mb > 0 ? serverCpuMs / mb : 0 };
}

/**
 * One server, fresh directory: every phase in order. The file system is synced first, so
 * that the PUTs' fsyncs do not wait behind writeback they did not cause: the clones and
 * builds before the first variant, and the directory the previous variant removed. Without
 * it, the first variant of a run (after the builds) was the slowest at PUTs and GETs alike.
 */
async function measure(v: Variant, client: string, sizes: Sizes): Promise<RunResult> {
  execFileSync('sync');
  const server = await startCacheProcess(v.bin, { CACHE_READ_TOKENS: READ_TOKEN, CACHE_WRITE_TOKENS: WRITE_TOKEN });
  try {
    const tag = String(Date.now() % 1e9);
    const small = ['-prefix', `${tag}1`, '-count', String(sizes.small.count)];
    const large = ['-prefix', `${tag}2`, '-count', String(sizes.large.count)];
    const write = ['-token', WRITE_TOKEN];
    const read = ['-token', READ_TOKEN, '-duration', `${sizes.getSeconds}s`];

    const putSmall = await phase(client, server, 8, [...write, ...small, '-size', String(sizes.small.bytes), 'put']);
    const putLarge = await phase(client, server, 8, [...write, ...large, '-size', String(sizes.large.bytes), 'put']);
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const getLarge8 = await phase(client, server, 8, [...read, ...large, 'get']);
    const getLarge32 = await phase(client, server, 32, [...read, ...large, 'get']);
    const getSmall32 = await phase(client, server, 32, [...read, ...small, 'get']);
    const miss32 = await phase(client, server, 32, [...read, '-prefix', tag, 'miss']);
    const metrics = await server.metrics();
    const own: Record<string, number> = {};
    for (const [k, val] of Object.entries(metrics)) {
      if (/^slipway_cache_(put_phase_seconds_total|dir_syncs_total|hit_checks_total|stored_total)/.test(k)) own[k] = val;
    }
    return { putSmall, putLarge, getLarge8, getLarge32, getSmall32, miss32, peakRssMB: server.peakRssBytes() / 1e6, server: own };
  } finally {
    await server.stop();
  }
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

function summary(samples: RunResult[]) {
  const of = (f: (r: RunResult) => number) => summarize(samples.map(f));
  const out: Record<string, { mbPerS: Summary; reqPerS: Summary; serverCpuMsPerMB: Summary }> = {};
  for (const p of PHASES) out[p] = { mbPerS: of((r) => r[p].mbPerS), reqPerS: of((r) => r[p].reqPerS), serverCpuMsPerMB: of((r) => r[p].serverCpuMsPerMB) };
  return { phases: out, peakRssMB: of((r) => r.peakRssMB) };
}

/** The rows of the results table: what each phase is, and the figure it is read by. */
const ROWS: { phase: (typeof PHASES)[number]; what: string; figure: 'mbPerS' | 'reqPerS' }[] = [
  { phase: 'putSmall', what: 'PUT 500 × 64 KiB, 8 clients', figure: 'mbPerS' },
  { phase: 'putLarge', what: 'PUT 50 × 8 MiB, 8 clients', figure: 'mbPerS' },
  { phase: 'getLarge8', what: 'GET hits (8 MiB), 8 clients', figure: 'mbPerS' },
  { phase: 'getLarge32', what: 'GET hits (8 MiB), 32 clients', figure: 'mbPerS' },
  { phase: 'getSmall32', what: 'GET hits (64 KiB), 32 clients', figure: 'reqPerS' },
  { phase: 'miss32', what: '404s, 32 clients', figure: 'reqPerS' },
];

/** The results as the Markdown table of bench/README.md. */
export function cacheServerMarkdown(r: { variants: Record<string, string>; samples: Record<string, RunResult[]>; quick?: boolean }): string {
  const names = Object.keys(r.variants).filter((v) => r.samples[v]?.length);
  const fmt = (s: Summary, unit: string, digits = 0) => `${s.median.toFixed(digits)} ${unit} (${s.min.toFixed(digits)}–${s.max.toFixed(digits)}, n=${s.n})`;
  const of = (v: string, f: (x: RunResult) => number) => (r.samples[v] ?? []).map(f);
  const compare = names.filter((v) => v !== 'as-is');
  const head = ['', ...names.map((v) => `\`${v}\``), ...compare.map((v) => `as-is vs ${v} (paired runs)`)];
  const rows = ROWS.map(({ phase, what, figure }) => {
    const unit = figure === 'mbPerS' ? 'MB/s' : 'req/s';
    return [
      what,
      ...names.map((v) => fmt(summarize(of(v, (x) => x[phase][figure])), unit)),
      ...compare.map((v) => formatRatio(pairedSpeedup(of('as-is', (x) => x[phase][figure]), of(v, (x) => x[phase][figure])))),
    ];
  });
  for (const phase of ['getLarge8', 'getLarge32'] as const) {
    rows.push([
      `server CPU per MB served, ${phase === 'getLarge8' ? 8 : 32} clients`,
      ...names.map((v) => fmt(summarize(of(v, (x) => x[phase].serverCpuMsPerMB)), 'ms', 2)),
      ...compare.map((v) => formatRatio(pairedSpeedup(of(v, (x) => x[phase].serverCpuMsPerMB), of('as-is', (x) => x[phase].serverCpuMsPerMB)))),
    ]);
  }
  rows.push(['peak RSS', ...names.map((v) => fmt(summarize(of(v, (x) => x.peakRssMB)), 'MB', 1)), ...compare.map(() => '')]);
  const table = [head, head.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  return `${r.quick ? '_A --quick smoke run: not a measurement._\n\n' : ''}${table}\n\nRatios: higher is better for as-is (for CPU per MB, the other's CPU over as-is's).`;
}

export const cacheServer: Benchmark = {
  name: 'cache-server',
  title: 'Remote cache server: PUT, GET hits, misses, server CPU per MB and peak memory, with and without the integrity check',
  defaultRuns: 3,
  run: async ({ runs, checkpoint, quick, baseline }) => {
    const sizes = quick ? QUICK : FULL;
    const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
    const m = machine({ go: goVersion });
    const clones: Clone[] = [];
    try {
      const head = cloneHead('slipway-bench-cache-');
      clones.push(head);
      const goDir = join(head.root, 'go');
      const client = buildGo(goDir, './apps/cache/cmd/cacheload', join(head.root, 'cacheload'));
      const variants: Variant[] = [
        { name: 'as-is', what: 'the server as it is', bin: buildGo(goDir, './apps/cache', join(head.root, 'cache')) },
        {
          name: 'unverified',
          what: 'built with -tags slipway_noverify: entries served without any integrity check (benchmark only)',
          bin: buildGo(goDir, './apps/cache', join(head.root, 'cache-noverify'), 'slipway_noverify'),
        },
      ];
      if (baseline) {
        const old = cloneHead('slipway-bench-cache-baseline-');
        clones.push(old);
        old.git('checkout', '-q', '--detach', baseline);
        variants.push({ name: 'baseline', what: `the server of commit ${old.git('rev-parse', '--short', 'HEAD')}`, bin: buildGo(join(old.root, 'go'), './apps/cache', join(old.root, 'cache')) });
      }
      const samples: Record<string, RunResult[]> = Object.fromEntries(variants.map((v) => [v.name, []]));
      const result = () => {
        const summaries = Object.fromEntries(variants.filter((v) => samples[v.name]?.length).map((v) => [v.name, summary(samples[v.name] as RunResult[])]));
        return {
          machine: m,
          runs,
          quick: Boolean(quick),
          sizes,
          settleMs: SETTLE_MS,
          variants: Object.fromEntries(variants.map((v) => [v.name, v.what])),
          samples,
          summary: summaries,
        };
      };
      for (let run = 1; run <= runs; run++) {
        // Alternate the order, so that neither variant always runs on a warmer machine.
        const order = run % 2 ? variants : [...variants].reverse();
        for (const v of order) {
          const r = await measure(v, client, sizes);
          samples[v.name]?.push(r);
          progress(
            `cache-server run ${run}/${runs} ${v.name}: PUT ${round(r.putSmall.mbPerS)} MB/s (64 KiB), ${round(r.putLarge.mbPerS)} MB/s (8 MiB); ` +
              `GET ${round(r.getLarge8.mbPerS)} MB/s at 8, ${round(r.getLarge32.mbPerS)} at 32 (${round(r.getLarge32.serverCpuMsPerMB, 2)} ms CPU/MB); ` +
              `404 ${Math.round(r.miss32.reqPerS)}/s; peak RSS ${round(r.peakRssMB)} MB`,
          );
        }
        checkpoint(result());
      }
      const final = result();
      progress(`cache-server results (bench/README.md, section 8):\n${cacheServerMarkdown(final)}`);
      return final;
    } finally {
      for (const c of clones) c.remove();
    }
  },
};
