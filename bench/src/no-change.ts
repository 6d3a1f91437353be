// Nothing changed, at 3, 20 and 50 image projects (the repository, then the scale generator's
// workspaces): on a commit that touches no image input, `nx affected -t docker-build` (and
// `nx run-many -t docker-build`) with a warm graph and a warm Nx cache, and the same
// `nx affected` in a fresh clone (empty local cache, remote cache warm) that restores the graph
// cache as every CI job does, and in one that starts with a cold graph, against a BuildKit-warm
// `docker buildx build` of the same images with docker-build's flags.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import type { Benchmark } from './lib/bench';
import { startCacheServer } from './lib/cache-server';
import { restoreGraphCache } from './lib/graph-cache';
import { dockerVersions, images, plainBuild, removeBenchImages, removeGeneratedImages, requireBuilder } from './lib/docker';
import { machine } from './lib/results';
import { nx, nxRecord, progress, ran, taskRuns, type CommandRecord } from './lib/run';
import { scaleWorkspace } from './lib/scale-workspace';
import { pairedSpeedup, summarize, type Summary } from './lib/stats';
import { cloneHead, cloneOf } from './lib/workspace';

/** A file in no image: a test of web (tests are kept out of the image hash and the build context). */
const CHANGED = 'apps/web/src/app/app.test.tsx';

/** Image projects per workspace: 3 is the repository itself (web, api, cache). */
export const NO_CHANGE_SIZES = [3, 20, 50] as const;

const WRITE = 'bench-write-token';
const READ = 'bench-read-token';
const cacheEnv = (url: string, token: string) => ({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token });

const AFFECTED = ['affected', '-t', 'docker-build', '--base=HEAD~1', '--head=HEAD', '--outputStyle=stream'];
const RUN_MANY = ['run-many', '-t', 'docker-build', '--outputStyle=stream'];

/** One workspace size: every sample, summary and paired ratio. */
export interface NoChangePoint {
  imageProjects: number;
  /** 1-minute load average when this size's measurements began and ended. */
  load: { start: number; end: number };
  /** What the scale generator added (nothing at 3). */
  generated: { goServices: number; webApps: number; goLibs: number };
  images: string[];
  affectedTasks: string[];
  freshCloneTasks: string[];
  /** The workspace data files the fresh clone restored (the workflow's graph cache, taken from the warm clone). */
  graphCacheFiles: string[];
  samplesMs: {
    nxAffected: number[];
    nxRunMany: number[];
    freshCloneAffected: number[];
    freshCloneColdGraph: number[];
    gitClone: number[];
    buildxAllImages: number[];
    buildxPerImage: Record<string, number[]>;
  };
  summaryMs: {
    nxAffected: Summary;
    nxRunMany: Summary;
    freshCloneAffected: Summary;
    freshCloneColdGraph: Summary;
    gitClone: Summary;
    buildxAllImages: Summary;
    buildxPerImage: Record<string, Summary>;
  };
  ratios: { buildxOverNxAffected: Summary; buildxOverNxRunMany: Summary; buildxOverFreshClone: Summary; buildxOverFreshCloneColdGraph: Summary };
  commands: { nxAffected: CommandRecord; nxRunMany: CommandRecord; freshCloneAffected: CommandRecord; buildx: Record<string, string> };
}

export const noChange: Benchmark = {
  name: 'no-change',
  title: 'Nothing changed: nx affected -t docker-build vs docker buildx build (warm BuildKit), at 3, 20 and 50 image projects',
  defaultRuns: 3,
  run: async ({ runs, sizes, checkpoint, quick }) => {
    requireBuilder();
    const m = machine(dockerVersions());
    // --quick: a smoke run of the repository alone (3 image projects).
    const wanted = sizes ?? (quick ? [3] : [...NO_CHANGE_SIZES]);
    const points: NoChangePoint[] = [];
    const result = () => {
      // The top level is the 3-project point (or the first measured), as before sizes were added.
      const base = points.find((p) => p.imageProjects === 3) ?? points[0];
      return {
        machine: m,
        runs,
        sizes: wanted,
        change: CHANGED,
        ...(base ? { images: base.images, affectedTasks: base.affectedTasks, samplesMs: base.samplesMs, summaryMs: base.summaryMs, ratios: base.ratios } : {}),
        points,
        targets: { warmGraphSeconds: '≤ 1.2', freshCloneSeconds: '≤ 3', buildxOverNxAffected: { 3: '≥ 3', 50: '≥ 20' } },
      };
    };
    for (const size of wanted) {
      points.push(await measureSize(size, runs));
      checkpoint(result());
    }
    return result();
  },
};

const load1 = () => Math.round((loadavg()[0] ?? 0) * 100) / 100;

async function measureSize(size: number, runs: number): Promise<NoChangePoint> {
  const clone = cloneHead(`slipway-bench-no-change-${size}-`);
  const ws = scaleWorkspace(size, clone.read('apps/web/Dockerfile'));
  // At 3 the repository as it is; above, the scale generator's Go services and web apps.
  if (size > 3) {
    for (const [file, text] of Object.entries(ws.files)) {
      mkdirSync(dirname(join(clone.root, file)), { recursive: true });
      writeFileSync(join(clone.root, file), text);
    }
    clone.commit(`bench: ${size} image projects`);
  }
  const projects = [...images(clone.root).keys()].sort();
  if (projects.length !== size) throw new Error(`the ${size}-project workspace has ${projects.length} image projects: ${projects.join(', ')}`);
  const server = await startCacheServer(join(clone.root, 'go'), { read: READ, write: WRITE });
  try {
    progress(`no-change ${size}: clone ${clone.root}; filling the Nx cache (local and remote, ${server.url}) and BuildKit's`);
    // The generated web apps' Dockerfile is web's: it copies web's pruned lockfile (dist/docker/web),
    // which only web:docker-deps writes, and their docker-build does not depend on it.
    if (size > 3 && ws.webApps.length) nx(clone.root, ['run', 'web:docker-deps', '--outputStyle=stream'], { env: cacheEnv(server.url, WRITE), label: `${size}: prep: nx run web:docker-deps` });
    nx(clone.root, RUN_MANY, { env: cacheEnv(server.url, WRITE), label: `${size}: prep: nx run-many -t docker-build` });
    const s = {
      nxAffected: [] as number[],
      nxRunMany: [] as number[],
      freshCloneAffected: [] as number[],
      freshCloneColdGraph: [] as number[],
      gitClone: [] as number[],
      buildxAllImages: [] as number[],
      buildxPerImage: Object.fromEntries(projects.map((p) => [p, [] as number[]])),
    };
    let affectedTasks: string[] = [];
    let freshCloneTasks: string[] = [];
    let graphCacheFiles: string[] = [];
    const buildx: Record<string, string> = {};
    let freshCommand: CommandRecord | undefined;
    const loadStart = load1();
    for (let i = 0; i < runs; i++) {
      // A new commit each run, so neither side can reuse the previous run's answer for this commit.
      clone.append(CHANGED, `\n// bench: no-change run ${i + 1}\n`);
      clone.commit(`bench: touch a web test (${i + 1})`);
      const a = nx(clone.root, AFFECTED, { label: `${size}: run ${i + 1}/${runs}: nx affected -t docker-build` });
      if (ran(a.output).length) throw new Error(`nx affected rebuilt ${ran(a.output).join(', ')} on a commit that touches no image input`);
      affectedTasks = taskRuns(a.output, 'docker-build').map((t) => `${t.project} [${t.cache}]`);
      s.nxAffected.push(a.ms);
      const r = nx(clone.root, RUN_MANY, { label: `${size}: run ${i + 1}/${runs}: nx run-many -t docker-build` });
      if (ran(r.output).length) throw new Error(`nx run-many rebuilt ${ran(r.output).join(', ')} on a commit that touches no image input`);
      s.nxRunMany.push(r.ms);

      // Fresh runners: new clones of this commit, empty local cache, the remote cache warm. The
      // first restores the graph cache as every CI job does (the warm clone's, as main's plan saves
      // it); the second starts with a cold graph.
      for (const graph of ['restored', 'cold'] as const) {
        const t0 = performance.now();
        const fresh = cloneOf(clone.root, `slipway-bench-no-change-${size}-fresh-`);
        if (graph === 'restored') s.gitClone.push(performance.now() - t0);
        try {
          if (graph === 'restored') graphCacheFiles = restoreGraphCache(clone.root, fresh.root);
          freshCommand ??= nxRecord(fresh.root, AFFECTED, cacheEnv(server.url, READ));
          const f = nx(fresh.root, AFFECTED, { env: cacheEnv(server.url, READ), label: `${size}: run ${i + 1}/${runs}: fresh clone, graph ${graph}, nx affected -t docker-build (remote cache)` });
          const tasks = taskRuns(f.output, 'docker-build');
          if (ran(f.output).length || tasks.some((t) => t.cache !== 'remote cache')) throw new Error(`a fresh clone did not get every docker-build from the remote cache: ${JSON.stringify(tasks)}`);
          freshCloneTasks = tasks.map((t) => `${t.project} [${t.cache}]`);
          (graph === 'restored' ? s.freshCloneAffected : s.freshCloneColdGraph).push(f.ms);
        } finally {
          fresh.remove();
        }
      }

      let total = 0;
      for (const p of projects) {
        const b = plainBuild(clone, p);
        buildx[p] ??= b.command;
        s.buildxPerImage[p]?.push(b.ms);
        total += b.ms;
      }
      s.buildxAllImages.push(total);
      progress(`${size}: run ${i + 1}/${runs}: docker buildx build of ${size} images, BuildKit warm: ${(total / 1000).toFixed(1)} s`);
    }
    return {
      imageProjects: size,
      load: { start: loadStart, end: load1() },
      generated: size > 3 ? { goServices: ws.goServices.length, webApps: ws.webApps.length, goLibs: ws.goLibs.length } : { goServices: 0, webApps: 0, goLibs: 0 },
      images: projects,
      affectedTasks,
      freshCloneTasks,
      graphCacheFiles,
      samplesMs: s,
      summaryMs: {
        nxAffected: summarize(s.nxAffected),
        nxRunMany: summarize(s.nxRunMany),
        freshCloneAffected: summarize(s.freshCloneAffected),
        freshCloneColdGraph: summarize(s.freshCloneColdGraph),
        gitClone: summarize(s.gitClone),
        buildxAllImages: summarize(s.buildxAllImages),
        buildxPerImage: Object.fromEntries(Object.entries(s.buildxPerImage).map(([k, v]) => [k, summarize(v)])),
      },
      ratios: {
        buildxOverNxAffected: pairedSpeedup(s.buildxAllImages, s.nxAffected),
        buildxOverNxRunMany: pairedSpeedup(s.buildxAllImages, s.nxRunMany),
        buildxOverFreshClone: pairedSpeedup(s.buildxAllImages, s.freshCloneAffected),
        buildxOverFreshCloneColdGraph: pairedSpeedup(s.buildxAllImages, s.freshCloneColdGraph),
      },
      commands: {
        nxAffected: nxRecord(clone.root, AFFECTED),
        nxRunMany: nxRecord(clone.root, RUN_MANY),
        freshCloneAffected: freshCommand ?? nxRecord(clone.root, AFFECTED, cacheEnv(server.url, READ)),
        buildx,
      },
    };
  } finally {
    await server.stop();
    removeBenchImages(projects);
    removeGeneratedImages(projects);
    clone.remove();
  }
}
