// The ledger API's public reads under load: a large ledger (50 000 builds of 5 000 images),
// four concurrent anonymous clients paging through the image overview (pages of 50) and the
// CI runs, on SQLite and on PostgreSQL. The measurement is the Go command
// go/apps/api/cmd/readbench (the real API handler on loopback); this runs it on both
// databases: PostgreSQL at DATABASE_URL, or a throwaway cluster from tools/postgres/start.sh.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark } from './lib/bench';
import { machine } from './lib/results';
import { progress } from './lib/run';
import { repoRoot } from './lib/workspace';

/** One endpoint's figures, as readbench -json reports them. */
interface Measurement {
  name: string;
  requests: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** What readbench -json prints. */
interface ReadbenchResult {
  database: 'sqlite' | 'postgres';
  builds: number;
  images: number;
  seedSeconds: number;
  endpoints: Measurement[];
  targetP99Ms: number;
  meetsTarget: boolean;
}

/** The sizes of the measurement; READBENCH_ARGS (e.g. "-builds 5000 -images 500 -duration 2s") makes a smoke run. */
const ARGS = ['-builds', '50000', '-images', '5000', '-clients', '4', '-limit', '50', '-duration', '20s'];

function postgresURL(): { url: string; stop: () => void } {
  const given = process.env['DATABASE_URL'] ?? process.env['API_TEST_DATABASE_URL'];
  if (given) return { url: given, stop: () => undefined };
  progress('api-reads: starting a throwaway PostgreSQL (tools/postgres/start.sh)');
  const lines = execFileSync('bash', [join(repoRoot, 'tools/postgres/start.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const env = Object.fromEntries([...lines.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  const url = env['API_TEST_DATABASE_URL'];
  const dir = env['POSTGRES_SERVER_DIR'];
  if (!url || !dir) throw new Error(`tools/postgres/start.sh printed no API_TEST_DATABASE_URL:\n${lines}`);
  return { url, stop: () => execFileSync('bash', [join(repoRoot, 'tools/postgres/stop.sh'), dir], { stdio: 'inherit' }) };
}

export const apiReads: Benchmark = {
  name: 'api-reads',
  title: 'Ledger API reads: pages of 50 images and of runs at 50 000 builds of 5 000 images, 4 concurrent clients, SQLite and PostgreSQL',
  defaultRuns: 1,
  run: async ({ runs, checkpoint }) => {
    const m = machine({ go: execFileSync('go', ['version'], { encoding: 'utf8' }).trim() });
    const binDir = mkdtempSync(join(tmpdir(), 'slipway-readbench-'));
    const bin = join(binDir, 'readbench');
    execFileSync('go', ['build', '-o', bin, './apps/api/cmd/readbench'], { cwd: join(repoRoot, 'go'), stdio: 'inherit' });
    const args = process.env['READBENCH_ARGS'] ? process.env['READBENCH_ARGS'].trim().split(/\s+/) : ARGS;
    const pg = postgresURL();
    const results: ReadbenchResult[] = [];
    try {
      for (let i = 1; i <= runs; i++) {
        for (const database of ['sqlite', 'postgres'] as const) {
          const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: database === 'postgres' ? pg.url : '' };
          progress(`api-reads run ${i}/${runs} on ${database}: readbench ${args.join(' ')}`);
          const out = execFileSync(bin, [...args, '-json'], { env, encoding: 'utf8', maxBuffer: 16 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
          const r = JSON.parse(out) as ReadbenchResult;
          results.push(r);
          for (const e of r.endpoints) {
            progress(`  ${e.name}: ${e.requests} requests, ${e.errors} errors, ${Math.round(e.perSecond)}/s, p50 ${e.p50Ms} ms, p99 ${e.p99Ms} ms`);
          }
          progress(`  the image overview ${r.meetsTarget ? 'meets' : 'misses'} the target (p99 under ${r.targetP99Ms} ms)`);
          checkpoint({ machine: m, args, results });
        }
      }
    } finally {
      pg.stop();
      rmSync(binDir, { recursive: true, force: true });
    }
    return { machine: m, args, results, meetsTarget: results.every((r) => r.meetsTarget) };
  },
};
