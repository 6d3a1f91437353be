// Image sizes: base, layers added and total of every image, against its single-stage
// variant and the sizes multi-stage images were expected to have (lib/sizes.ts).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PLATFORM } from '@slipway/images/src/build/buildx-args';
import { finalBase } from '@slipway/images/src/dockerfile';
import { metadataPath, readMetadata } from '@slipway/images/src/build/metadata';
import type { Benchmark } from './lib/bench';
import { BUILDER, dockerVersions, images, inspect, requireBuilder } from './lib/docker';
import { machine } from './lib/results';
import { nx, progress, timed } from './lib/run';
import { addedLayers, DECISION_RECORD, reduction } from './lib/sizes';
import { cloneHead } from './lib/workspace';

const STAND_IN = '{{index .Config.Labels "dev.slipway.stand-in"}}';
const history = (ref: string) => execFileSync('docker', ['history', '--human=false', '--no-trunc', '--format', '{{.Size}}\t{{.CreatedBy}}', ref], { encoding: 'utf8' });
const bytes = (ref: string) => Number(inspect(ref, '{{.Size}}'));

function ensurePulled(ref: string): void {
  if (execFileSync('docker', ['image', 'ls', '-q', ref], { encoding: 'utf8' }).trim()) return;
  execFileSync('docker', ['pull', '--quiet', '--platform', PLATFORM, ref], { stdio: 'ignore' });
}

/** Base, added and total bytes of one image (uncompressed, as the engine reports them). */
function measure(ref: string, dockerfileText: string) {
  const base = finalBase(dockerfileText);
  ensurePulled(base);
  const baseBytes = bytes(base);
  const totalBytes = bytes(ref);
  return {
    ref,
    base,
    baseIsStandIn: inspect(base, STAND_IN) === 'true',
    baseBytes,
    addedBytes: totalBytes - baseBytes,
    totalBytes,
    addedLayers: addedLayers(history(ref), history(base)).map((l) => ({ ...l, createdBy: l.createdBy.slice(0, 120) })),
  };
}

export const imageSizes: Benchmark = {
  name: 'image-sizes',
  title: 'Image sizes: base, added layers and total vs single-stage and the decision record',
  defaultRuns: 1,
  run: async () => {
    requireBuilder();
    const m = machine(dockerVersions());
    const clone = cloneHead('slipway-bench-sizes-');
    const singleRefs: string[] = [];
    try {
      progress(`image-sizes: clone ${clone.root}`);
      nx(clone.root, ['run-many', '-t', 'docker-build', '--outputStyle=stream'], { label: 'nx run-many -t docker-build' });
      const out: Record<string, unknown> = {};
      for (const [project, image] of [...images(clone.root)].sort(([a], [b]) => a.localeCompare(b))) {
        const meta = readMetadata(metadataPath(clone.root, project));
        const multi = measure(`${meta.image}:${meta.tags[0]}`, readFileSync(join(clone.root, image.dockerfile), 'utf8'));
        let single: ReturnType<typeof measure> | undefined;
        if (image.singleStageDockerfile && existsSync(join(clone.root, image.singleStageDockerfile))) {
          const ref = `slipway-bench-${project}:single-stage`;
          const args = ['buildx', 'build', '--builder', BUILDER, '--platform', PLATFORM, '--file', image.singleStageDockerfile, '--tag', ref, '--load', '--quiet'];
          for (const [k, v] of Object.entries(image.buildArgs)) args.push('--build-arg', `${k}=${v}`);
          timed('docker', [...args, image.context], { cwd: clone.root, label: `single-stage build of ${project}` });
          singleRefs.push(ref);
          single = measure(ref, readFileSync(join(clone.root, image.singleStageDockerfile), 'utf8'));
        }
        const record = DECISION_RECORD[project as keyof typeof DECISION_RECORD];
        out[project] = {
          multiStage: multi,
          ...(single ? { singleStage: single, reductionPercent: reduction(multi.totalBytes, single.totalBytes), addedReductionPercent: reduction(multi.addedBytes, single.addedBytes) } : {}),
          ...(record ? { decisionRecord: record } : {}),
        };
      }
      return { machine: m, runs: 1, note: 'Sizes are uncompressed (docker image inspect .Size). Bases are offline stand-ins: only bytes added over the base speak for production.', images: out };
    } finally {
      for (const ref of singleRefs) execFileSync('docker', ['rmi', ref], { stdio: 'ignore' });
      clone.remove();
    }
  },
};
