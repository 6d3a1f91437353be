// The best plain pipeline, nothing changed: on an empty builder, `docker buildx build --push`
// of every image with the registry layer cache (`--cache-from`, `--cache-to … mode=max`) warm
// from the previous commit, against Slipway's fresh runner: a fresh clone that restores the
// graph cache of main's previous run (as every CI job does) and whose
// `nx run-many -t docker-publish` gets every docker-build from the remote Nx cache and only
// adds this commit's tags to the images in the registry (the manifests put back under new tags); the same with a
// cold graph beside it. Wall time, and what each pushed: the blobs and manifests the
// registry's namespace gained.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { publishRecordPath, type PublishRecord } from '@slipway/images/src/publish/record';
import type { Benchmark } from './lib/bench';
import { startCacheServer } from './lib/cache-server';
import { restoreGraphCache } from './lib/graph-cache';
import { dockerVersions, images, plainBuild } from './lib/docker';
import { emptyBuilder, requireEmptyBuilders } from './lib/empty-builder';
import { HARNESS_REGISTRY, harnessRegistryStorage, namespaceOf, namespaceUsage, usageDelta, type UsageDelta } from './lib/registry-usage';
import { machine } from './lib/results';
import { nx, nxRecord, progress, ran, taskRuns, type CommandRecord } from './lib/run';
import { pairedSpeedup, summarize } from './lib/stats';
import { cloneHead, cloneOf, type Clone } from './lib/workspace';

const WRITE = 'bench-write-token';
const READ = 'bench-read-token';
const cacheEnv = (url: string, token: string) => ({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: url, NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: token });
const PUBLISH = ['run-many', '-t', 'docker-publish', '--outputStyle=stream'];

/** The sides, measured in turn on each commit. */
const SIDES = {
  plainStamped:
    "plain: new empty builder, docker buildx build --push of every image, --cache-from/--cache-to type=registry (mode=max), VERSION/REVISION of this commit (as docker-build passes them)",
  plainSameArgs:
    'plain: the same, with the build arguments of the commit that filled the cache (VERSION/REVISION not stamped per commit: every step can be a cache hit)',
  slipway:
    "Slipway: fresh clone with the graph cache of the previous commit's run restored (the workflow's), new empty builder, nx run-many -t docker-publish (every docker-build a remote Nx cache hit; docker-publish adds the tags)",
  slipwayColdGraph: 'Slipway, the same with a cold graph (no graph cache restored)',
} as const;
type Side = keyof typeof SIDES;

/** One side's pushes of every image on a new empty builder, and what the namespace gained. */
async function plainRound(clone: Clone, projects: string[], registry: string, revision: string | undefined, label: string) {
  const bk = await emptyBuilder('slipway-bench-plain');
  try {
    const storage = harnessRegistryStorage();
    const before = namespaceUsage(storage, namespaceOf(registry));
    const perImage: Record<string, number> = {};
    const commands: Record<string, string> = {};
    let ms = 0;
    for (const p of projects) {
      const b = plainBuild(clone, p, { builder: bk.builder, pushTo: registry, layerCache: 'readwrite', revision });
      perImage[p] = b.ms;
      commands[p] = b.command.replace(bk.builder, '<new empty builder>');
      ms += b.ms;
    }
    progress(`${label}: ${(ms / 1000).toFixed(1)} s`);
    return { ms, perImage, commands, pushed: usageDelta(before, namespaceUsage(storage, namespaceOf(registry))) };
  } finally {
    await bk.stop();
  }
}

export const plainPipeline: Benchmark = {
  name: 'plain-pipeline',
  title: 'Nothing changed on a fresh runner: the best plain pipeline (buildx --push with the registry layer cache) vs remote cache hit plus retag',
  defaultRuns: 3,
  run: async ({ runs, checkpoint, quick }) => {
    const buildkit = requireEmptyBuilders();
    const m = machine({ ...dockerVersions(), emptyBuilderBuildkit: buildkit });
    const id = `${process.pid}-${Date.now().toString(36)}`;
    const registries: Record<Exclude<Side, 'slipwayColdGraph'>, string> = {
      plainStamped: `${HARNESS_REGISTRY}/slipway-bench-plain-${id}`,
      plainSameArgs: `${HARNESS_REGISTRY}/slipway-bench-plain-same-${id}`,
      slipway: `${HARNESS_REGISTRY}/slipway-bench-pub-${id}`,
    };
    const clone = cloneHead('slipway-bench-plain-');
    const filledAt = clone.git('rev-parse', 'HEAD');
    // --quick: a smoke run, api alone.
    const projects = quick ? ['api'] : [...images(clone.root).keys()].sort();
    const publish = quick ? [...PUBLISH, '--projects=api'] : PUBLISH;
    const server = await startCacheServer(join(clone.root, 'go'), { read: READ, write: WRITE });
    const samplesMs: Record<Side, number[]> = { plainStamped: [], plainSameArgs: [], slipway: [], slipwayColdGraph: [] };
    const perImageMs: Record<'plainStamped' | 'plainSameArgs', Record<string, number[]>> = { plainStamped: {}, plainSameArgs: {} };
    const pushed: Record<Side, UsageDelta[]> = { plainStamped: [], plainSameArgs: [], slipway: [], slipwayColdGraph: [] };
    const gitCloneMs: number[] = [];
    const commands: { plainStamped: Record<string, string>; plainSameArgs: Record<string, string>; slipway?: CommandRecord } = { plainStamped: {}, plainSameArgs: {} };
    let slipwayTasks: string[] = [];
    let graphCacheFiles: string[] = [];
    const result = () => ({
      machine: m,
      runs: samplesMs.slipway.length,
      runsPlanned: runs,
      images: projects,
      sides: SIDES,
      registries,
      filledAt: filledAt.slice(0, 7),
      change: 'README.md (a doc: no image input)',
      slipwayTasks,
      graphCacheFiles,
      samplesMs: { ...samplesMs, gitClone: gitCloneMs, plainPerImage: perImageMs },
      summaryMs: Object.fromEntries(Object.entries(samplesMs).filter(([, v]) => v.length).map(([k, v]) => [k, summarize(v)])),
      // Blobs (layers, configs, cache blobs) and manifests each run added to its side's namespace.
      pushed,
      ratios: samplesMs.slipway.length
        ? {
            plainStampedOverSlipway: pairedSpeedup(samplesMs.plainStamped, samplesMs.slipway),
            plainSameArgsOverSlipway: pairedSpeedup(samplesMs.plainSameArgs, samplesMs.slipway),
            plainSameArgsOverSlipwayColdGraph: pairedSpeedup(samplesMs.plainSameArgs, samplesMs.slipwayColdGraph),
          }
        : undefined,
      commands,
      targets: { slipway: 'faster than the best plain pipeline, 0 bytes of layers pushed' },
    });
    try {
      // The previous commit's pipelines: each side's registry filled on one empty builder.
      const fill = await emptyBuilder('slipway-bench-plain-fill');
      try {
        progress(`plain-pipeline: clone ${clone.root}; filling ${Object.values(registries).join(', ')} and the remote cache ${server.url}`);
        nx(clone.root, publish, {
          env: { BUILDX_BUILDER: fill.builder, SLIPWAY_IMAGE_MODE: 'push', REGISTRY: registries.slipway, ...cacheEnv(server.url, WRITE) },
          label: 'prep: nx run-many -t docker-publish (write token)',
        });
        // The web image copies the pruned lockfile that web:docker-deps wrote into the clone (dist/docker/web) in the step above.
        for (const side of ['plainStamped', 'plainSameArgs'] as const) {
          for (const p of projects) plainBuild(clone, p, { builder: fill.builder, pushTo: registries[side], layerCache: 'readwrite' });
        }
      } finally {
        await fill.stop();
      }
      for (let i = 0; i < runs; i++) {
        clone.append('README.md', `\nbench: plain-pipeline run ${i + 1}\n`);
        const sha = clone.commit(`bench: a doc change (${i + 1})`).slice(0, 7);
        const order: Side[] = i % 2 === 0 ? ['plainStamped', 'plainSameArgs', 'slipway', 'slipwayColdGraph'] : ['slipwayColdGraph', 'slipway', 'plainSameArgs', 'plainStamped'];
        for (const side of order) {
          const label = `run ${i + 1}/${runs} (${sha}): ${side}`;
          if (side === 'slipway' || side === 'slipwayColdGraph') {
            const s = await slipwayRound(clone, projects, publish, registries.slipway, server.url, label, side === 'slipway');
            samplesMs[side].push(s.ms);
            pushed[side].push(s.pushed);
            if (side === 'slipway') {
              gitCloneMs.push(s.gitCloneMs);
              graphCacheFiles = s.graphCacheFiles;
              slipwayTasks = s.tasks;
              commands.slipway ??= s.command;
            }
          } else {
            const r = await plainRound(clone, projects, registries[side], side === 'plainSameArgs' ? filledAt : undefined, label);
            samplesMs[side].push(r.ms);
            pushed[side].push(r.pushed);
            for (const [p, ms] of Object.entries(r.perImage)) (perImageMs[side][p] ??= []).push(ms);
            if (!Object.keys(commands[side]).length) commands[side] = r.commands;
          }
        }
        checkpoint(result());
      }
      return result();
    } finally {
      await server.stop();
      clone.remove();
    }
  },
};

/**
 * A fresh runner: a new clone and a new empty builder, `nx run-many -t docker-publish` with the
 * remote cache (read-only token); with `restoreGraph`, the clone first restores the graph cache
 * of the main clone's last Nx run (the fill, on the previous commit), as a CI job restores main's.
 */
async function slipwayRound(clone: Clone, projects: string[], publish: string[], registry: string, cacheUrl: string, label: string, restoreGraph: boolean) {
  const bk = await emptyBuilder('slipway-bench-pub');
  const t0 = performance.now();
  const fresh = cloneOf(clone.root, 'slipway-bench-plain-fresh-');
  const gitCloneMs = performance.now() - t0;
  try {
    const graphCacheFiles = restoreGraph ? restoreGraphCache(clone.root, fresh.root) : [];
    const storage = harnessRegistryStorage();
    const before = namespaceUsage(storage, namespaceOf(registry));
    const env = { BUILDX_BUILDER: bk.builder, SLIPWAY_IMAGE_MODE: 'push', REGISTRY: registry, ...cacheEnv(cacheUrl, READ) };
    const r = nx(fresh.root, publish, { env, label });
    const tasks = taskRuns(r.output, 'docker-build');
    if (ran(r.output).length || tasks.length !== projects.length || tasks.some((t) => t.cache !== 'remote cache')) {
      throw new Error(`the fresh clone did not get every docker-build from the remote cache: ${JSON.stringify(tasks)}`);
    }
    for (const p of projects) {
      const rec = JSON.parse(readFileSync(publishRecordPath(fresh.root, p), 'utf8')) as PublishRecord;
      if (rec.outcome !== 'reused' || rec.rebuilt) throw new Error(`docker-publish of ${p} in the fresh clone: ${rec.outcome}${rec.rebuilt ? ', rebuilt' : ''} (${rec.reason}), not a reuse`);
    }
    const pushed = usageDelta(before, namespaceUsage(storage, namespaceOf(registry)));
    const command = { ...nxRecord(fresh.root, publish, { ...env, BUILDX_BUILDER: '<new empty builder>' }) };
    return { ms: r.ms, gitCloneMs, graphCacheFiles, pushed, tasks: tasks.map((t) => `${t.project} [${t.cache}]`), command };
  } finally {
    fresh.remove();
    await bk.stop();
  }
}
