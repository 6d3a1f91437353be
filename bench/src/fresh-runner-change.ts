// A changed image on a fresh runner: one Go file changed (api) and one web file changed
// (web), `docker-build` of the changed project in push mode on (a) a new empty builder that
// reads main's registry layer cache, (b) the warm builder that built main, (c) a new empty
// builder without the registry cache. Main's cache is filled first: every image built with
// SLIPWAY_LAYER_CACHE=readwrite on one empty builder, which is then (b).
import type { Buildkitd } from '@slipway/testing/src/buildkitd';
import type { Benchmark } from './lib/bench';
import { stepCached, timeBreakdown, type TimeBreakdown } from './lib/buildkit-log';
import { dockerVersions } from './lib/docker';
import { dockerBuildLines, emptyBuilder, requireEmptyBuilders } from './lib/empty-builder';
import { HARNESS_REGISTRY } from './lib/registry-usage';
import { machine } from './lib/results';
import { nx, nxRecord, progress, ran, type CommandRecord } from './lib/run';
import { pairedSpeedup, summarize } from './lib/stats';
import { cloneHead, type Clone } from './lib/workspace';

/** One change of one file, and the step of its Dockerfile that compiles it. */
interface Change {
  project: 'api' | 'web';
  file: string;
  /** What run i appends (a new value each run, so no run reuses another's layers). */
  edit: (i: number) => string;
  compile: RegExp;
  /** Dependency steps the registry cache must serve to the empty builder (a). */
  fromCache: RegExp[];
}

const CHANGES: Change[] = [
  {
    project: 'api',
    file: 'go/apps/api/main.go',
    edit: (i) => `\n// benchChange is set by the fresh-runner-change benchmark.\nvar benchChange${i} = ${i}\n`,
    compile: /RUN go build -ldflags/,
    fromCache: [/RUN go mod download/, /RUN xargs go build < \/packages\.txt/],
  },
  {
    project: 'web',
    file: 'apps/web/src/lib/format.ts',
    edit: (i) => `\n// bench: fresh-runner-change run ${i}\n`,
    compile: /vite build/,
    fromCache: [/npm ci/],
  },
];

/** The three builders each change is built on. */
const VARIANTS = ['emptyWithCache', 'warmBuilder', 'emptyNoCache'] as const;
type Variant = (typeof VARIANTS)[number];
const DESCRIBE: Record<Variant, string> = {
  emptyWithCache: '(a) new empty builder, SLIPWAY_LAYER_CACHE=read (main’s registry layer cache)',
  warmBuilder: '(b) the warm builder that built main, SLIPWAY_LAYER_CACHE=off',
  emptyNoCache: '(c) new empty builder, SLIPWAY_LAYER_CACHE=off',
};

interface ChangeResult {
  project: string;
  file: string;
  samplesMs: Record<Variant, number[]>;
  /** docker-build's own "built in" time (the buildx build and its metadata, without Nx), in ms. */
  dockerBuildMs: Record<Variant, number[]>;
  digests: Record<Variant, string[]>;
  /** Where (a)'s time went, run by run, from BuildKit's plain log; (c)'s beside it. */
  breakdown: { emptyWithCache: TimeBreakdown[]; emptyNoCache: TimeBreakdown[] };
  commands: Record<Variant, CommandRecord>;
}

const nxArgs = (project: string) => ['run', `${project}:docker-build`, '--skip-nx-cache', '--outputStyle=stream'];

export const freshRunnerChange: Benchmark = {
  name: 'fresh-runner-change',
  title: 'A changed image on a fresh runner: empty builder with the registry layer cache vs warm builder vs empty builder without it',
  defaultRuns: 3,
  run: async ({ runs, checkpoint, quick }) => {
    const buildkit = requireEmptyBuilders();
    // --quick: a smoke run, api alone (main's fill included).
    const changes = quick ? CHANGES.filter((c) => c.project === 'api') : CHANGES;
    const m = machine({ ...dockerVersions(), emptyBuilderBuildkit: buildkit });
    const id = `${process.pid}-${Date.now().toString(36)}`;
    const main = `${HARNESS_REGISTRY}/slipway-bench-frc-${id}`;
    const clone = cloneHead('slipway-bench-frc-');
    let warm: Buildkitd | undefined;
    const results: ChangeResult[] = changes.map((c) => ({
      project: c.project,
      file: c.file,
      samplesMs: { emptyWithCache: [], warmBuilder: [], emptyNoCache: [] },
      dockerBuildMs: { emptyWithCache: [], warmBuilder: [], emptyNoCache: [] },
      digests: { emptyWithCache: [], warmBuilder: [], emptyNoCache: [] },
      breakdown: { emptyWithCache: [], emptyNoCache: [] },
      commands: {} as Record<Variant, CommandRecord>,
    }));
    const fill: { ms: number; command?: CommandRecord; commit: string } = { ms: 0, commit: clone.git('rev-parse', '--short', 'HEAD') };
    const result = () => ({
      machine: m,
      runs: Math.min(...results.map((r) => r.samplesMs.emptyWithCache.length)),
      runsPlanned: runs,
      registry: main,
      layerCache: `${main}/slipway-<project>:buildcache`,
      fill,
      variants: DESCRIBE,
      changes: results.map((r) => ({
        ...r,
        summaryMs: Object.fromEntries(VARIANTS.filter((v) => r.samplesMs[v].length).map((v) => [v, summarize(r.samplesMs[v])])),
        dockerBuildSummaryMs: Object.fromEntries(VARIANTS.filter((v) => r.dockerBuildMs[v].length).map((v) => [v, summarize(r.dockerBuildMs[v])])),
        ratios: r.samplesMs.emptyWithCache.length
          ? {
              // (c)/(a): how much the registry cache saves an empty builder. Target for api: at least 4.
              noCacheOverCache: pairedSpeedup(r.samplesMs.emptyNoCache, r.samplesMs.emptyWithCache),
              // (a)/(b): what an empty builder still costs over a warm one. Target: at most 2.5.
              cacheOverWarm: pairedSpeedup(r.samplesMs.emptyWithCache, r.samplesMs.warmBuilder),
              dockerBuildNoCacheOverCache: pairedSpeedup(r.dockerBuildMs.emptyNoCache, r.dockerBuildMs.emptyWithCache),
              dockerBuildCacheOverWarm: pairedSpeedup(r.dockerBuildMs.emptyWithCache, r.dockerBuildMs.warmBuilder),
            }
          : undefined,
        sameDigestOnEveryBuilder: r.digests.emptyWithCache.every((d, i) => d === r.digests.warmBuilder[i] && d === r.digests.emptyNoCache[i]),
      })),
      targets: { api: { noCacheOverCache: '≥ 4', cacheOverWarm: '≤ 2.5' } },
    });
    try {
      // Main: every image on one empty builder, writing the registry layer cache; that builder stays warm.
      warm = await emptyBuilder('slipway-bench-frc-warm');
      const fillArgs = ['run-many', '-t', 'docker-build', '--parallel=1', '--skip-nx-cache', '--outputStyle=stream', ...(quick ? ['--projects=api'] : [])];
      const fillEnv = { BUILDX_BUILDER: warm.builder, SLIPWAY_IMAGE_MODE: 'push', REGISTRY: main, SLIPWAY_LAYER_CACHE: 'readwrite' };
      progress(`fresh-runner-change: clone ${clone.root}; main's images and layer cache go to ${main}`);
      const f = nx(clone.root, fillArgs, { env: fillEnv, label: "prep: main's images, SLIPWAY_LAYER_CACHE=readwrite, on an empty builder" });
      fill.ms = f.ms;
      fill.command = nxRecord(clone.root, fillArgs, fillEnv);

      for (let i = 0; i < runs; i++) {
        for (const [ci, change] of changes.entries()) {
          const r = results[ci] as ChangeResult;
          clone.append(change.file, change.edit(i + 1));
          const sha = clone.commit(`bench: change ${change.file} (${i + 1})`).slice(0, 7);
          // The order turns run by run, so a load swing does not always fall on the same variant.
          const order = VARIANTS.map((_, k) => VARIANTS[(k + i) % VARIANTS.length] as Variant);
          for (const v of order) {
            await measure(clone, change, r, v, { main, warm, label: `run ${i + 1}/${runs}, ${change.project} changed (${sha})` });
          }
        }
        checkpoint(result());
      }
      return result();
    } finally {
      await warm?.stop();
      clone.remove();
    }
  },
};

/** One docker-build of the changed project on one variant's builder, its checks and its breakdown. */
async function measure(clone: Clone, change: Change, r: ChangeResult, v: Variant, ctx: { main: string; warm: Buildkitd; label: string }): Promise<void> {
  const fresh = v === 'warmBuilder' ? undefined : await emptyBuilder(`slipway-bench-frc-${v === 'emptyWithCache' ? 'a' : 'c'}`);
  try {
    const builder = fresh ?? ctx.warm;
    const run = clone.git('rev-parse', '--short', 'HEAD');
    const env = {
      BUILDX_BUILDER: builder.builder,
      SLIPWAY_IMAGE_MODE: 'push',
      // Main's namespace: where the layer cache is read from. The build itself goes to a namespace
      // of its own (as a pull request's), so no variant finds the layers another one pushed.
      REGISTRY: ctx.main,
      SLIPWAY_PREVIEW_REGISTRY: `${ctx.main}-${change.project}-${run}-${v.toLowerCase()}`,
      SLIPWAY_LAYER_CACHE: v === 'emptyWithCache' ? 'read' : 'off',
    };
    const args = nxArgs(change.project);
    const t = nx(clone.root, args, { env, label: `${ctx.label}: ${DESCRIBE[v]}` });
    if (!ran(t.output).includes(change.project)) throw new Error(`${change.project}:docker-build did not run on ${DESCRIBE[v]}`);
    const built = dockerBuildLines(t.output)[change.project];
    if (!built) throw new Error(`no "docker-build: ${change.project} built in" line on ${DESCRIBE[v]}:\n${t.output.slice(-4000)}`);
    if (v === 'emptyWithCache') {
      const ref = `${ctx.main}/slipway-${change.project}:buildcache`;
      if (!t.output.includes(`importing cache manifest from ${ref}`)) throw new Error(`(a) did not import the layer cache ${ref}:\n${t.output.slice(-4000)}`);
      for (const step of change.fromCache) {
        if (stepCached(t.output, step) !== true) throw new Error(`(a): the step ${step} did not come from main's layer cache:\n${t.output.slice(-4000)}`);
      }
    }
    if (v === 'emptyNoCache' && change.fromCache.some((step) => stepCached(t.output, step) === true)) {
      throw new Error(`(c) is not empty: a dependency step was a cache hit:\n${t.output.slice(-4000)}`);
    }
    r.samplesMs[v].push(t.ms);
    r.dockerBuildMs[v].push(built.seconds * 1000);
    r.digests[v].push(built.digest);
    r.commands[v] ??= nxRecord(clone.root, args, env);
    if (v !== 'warmBuilder') r.breakdown[v].push(timeBreakdown(t.output, change.compile));
  } finally {
    await fresh?.stop();
  }
}
