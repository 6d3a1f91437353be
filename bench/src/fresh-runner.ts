// Fresh CI runner: a fresh clone with an empty Nx cache and the remote cache warm
// (go/apps/cache on a temporary directory), `nx run-many -t docker-build`, against a cold
// `docker buildx build --no-cache` and a BuildKit-warm rebuild of every image.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Benchmark } from './lib/bench';
import { startCacheServer } from './lib/cache-server';
import { dockerVersions, images, plainBuild, removeBenchImages, requireBuilder } from './lib/docker';
import { machine } from './lib/results';
import { nx, progress, ran, taskRuns } from './lib/run';
import { pairedSpeedup, summarize } from './lib/stats';
import { cloneHead } from './lib/workspace';

const WRITE = 'bench-write-token';
const READ = 'bench-read-token';

const cacheEnv = (url: string, token: string) => ({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token });

export const freshRunner: Benchmark = {
  name: 'fresh-runner',
  title: 'Fresh CI runner: remote cache warm vs cold and BuildKit-warm docker buildx build',
  defaultRuns: 3,
  run: async ({ runs, checkpoint }) => {
    requireBuilder();
    const m = machine(dockerVersions());
    const a = cloneHead('slipway-bench-fresh-a-');
    const projects = [...images(a.root).keys()].sort();
    const server = await startCacheServer(join(a.root, 'go'), { read: READ, write: WRITE });
    try {
      progress(`fresh-runner: cache server ${server.url}; clone A ${a.root} fills it`);
      nx(a.root, ['run-many', '-t', 'docker-build', '--outputStyle=stream'], { env: cacheEnv(server.url, WRITE), label: 'prep: clone A, nx run-many -t docker-build (write token)' });
      const entries = server.entries();
      if (entries < projects.length) throw new Error(`the cache server holds ${entries} entries after clone A's run, expected at least ${projects.length}`);
      const clone: number[] = [];
      const remote: number[] = [];
      const cold: number[] = [];
      const warm: number[] = [];
      const coldPerImage: Record<string, number[]> = Object.fromEntries(projects.map((p) => [p, []]));
      let remoteTasks: string[] = [];
      const result = () => {
        const s = { clone: summarize(clone), remote: summarize(remote), cold: summarize(cold), warm: summarize(warm) };
        return {
          machine: m,
          runs: remote.length,
          runsPlanned: runs,
          images: projects,
          remoteTasks,
          cacheEntries: entries,
          samplesMs: { gitClone: clone, nxRemoteCache: remote, buildxCold: cold, buildxWarm: warm, buildxColdPerImage: coldPerImage },
          summaryMs: {
            gitClone: s.clone,
            nxRemoteCache: s.remote,
            buildxCold: s.cold,
            buildxWarm: s.warm,
            buildxColdPerImage: Object.fromEntries(Object.entries(coldPerImage).map(([k, v]) => [k, summarize(v)])),
          },
          ratios: { coldOverRemote: pairedSpeedup(cold, remote), warmOverRemote: pairedSpeedup(warm, remote) },
        };
      };
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const b = cloneHead(`slipway-bench-fresh-b${i + 1}-`);
        clone.push(performance.now() - t0);
        try {
          const r = nx(b.root, ['run-many', '-t', 'docker-build', '--outputStyle=stream'], {
            env: cacheEnv(server.url, READ),
            label: `run ${i + 1}/${runs}: fresh clone, nx run-many -t docker-build (remote cache, read-only token)`,
          });
          const tasks = taskRuns(r.output, 'docker-build');
          if (ran(r.output).length || tasks.some((t) => t.cache !== 'remote cache')) {
            throw new Error(`a fresh clone did not get every docker-build from the remote cache: ${JSON.stringify(tasks)}`);
          }
          remoteTasks = tasks.map((t) => `${t.project} [${t.cache}]`);
          remote.push(r.ms);
        } finally {
          b.remove();
        }
        let coldTotal = 0;
        for (const p of projects) {
          const ms = plainBuild(a, p, { noCache: true }).ms;
          coldPerImage[p]?.push(ms);
          coldTotal += ms;
        }
        cold.push(coldTotal);
        let warmTotal = 0;
        for (const p of projects) warmTotal += plainBuild(a, p).ms;
        warm.push(warmTotal);
        checkpoint(result());
      }
      return result();
    } finally {
      await server.stop();
      removeBenchImages(projects);
      a.remove();
    }
  },
};
