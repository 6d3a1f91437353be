// image-size: what an image adds over its base, against a budget, and how much
// smaller it is than a single-stage build of the same thing.
//   image-size --project api --dockerfile go/Dockerfile.multi-stage --context go --budget 20MB
//              [--single-stage go/Dockerfile.single-stage] [--build-arg SERVICE=api]
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { imageArgOptions } from '../lib/image-args';
import { PLATFORM } from '../build/buildx-args';
import { finalBase } from '../dockerfile';
import { capture, stream } from '../lib/exec';
import { requireBuildx } from '../lib/docker';
import { metadataPath, readMetadata } from '../build/metadata';
import { writeJsonAtomic } from '../lib/json-file';
import { engineSize } from '../lib/registry';
import { formatReport, parseSize, sizeReport } from '../size-report';

const STAND_IN_LABEL = 'dev.slipway.stand-in';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...imageArgOptions,
      budget: { type: 'string' },
      'single-stage': { type: 'string' },
    },
  });
  const { project, dockerfile, context, budget } = values;
  if (!project || !dockerfile || !context || !budget) {
    throw new Error('usage: image-size --project P --dockerfile F --context DIR --budget 20MB [--single-stage F] [--build-arg K=V]');
  }
  requireBuildx();
  const root = process.cwd();
  const meta = readMetadata(metadataPath(root, project));
  if (meta.mode !== 'local') throw new Error('image-size measures images in the local engine: run docker-build without SLIPWAY_IMAGE_MODE=push');
  const ref = `${meta.image}:${meta.tags[0]}`;
  const base = finalBase(readFileSync(join(root, dockerfile), 'utf8'));
  if (capture('docker', ['image', 'inspect', base], { allowFail: true }) === '') {
    console.log(`image-size: pulling ${base} to measure it`);
    await stream('docker', ['pull', '--quiet', '--platform', PLATFORM, base]);
  }
  const standIn = capture('docker', ['image', 'inspect', '--format', `{{index .Config.Labels "${STAND_IN_LABEL}"}}`, base]).trim() === 'true';

  let singleStageBytes: number | undefined;
  if (values['single-stage']) {
    const single = `${meta.image}:single-stage`;
    console.log(`image-size: building the single-stage variant ${values['single-stage']} for comparison`);
    const args = ['buildx', 'build', '--platform', PLATFORM, '--file', values['single-stage'], '--tag', single, '--load', '--quiet'];
    for (const a of values['build-arg']) args.push('--build-arg', a);
    await stream('docker', [...args, context]);
    singleStageBytes = engineSize(single);
  }

  const report = sizeReport({
    project,
    image: ref,
    base,
    baseIsStandIn: standIn,
    baseBytes: engineSize(base),
    totalBytes: engineSize(ref),
    budgetAddedBytes: parseSize(budget),
    singleStageBytes,
  });
  const file = join(dirname(metadataPath(root, project)), 'size.json');
  writeJsonAtomic(file, report);
  console.log(formatReport(report));
  if (standIn) console.log('  (base is an offline stand-in: only "added over base" speaks for the production image)');
  if (!report.withinBudget) {
    throw new Error(`${project} adds ${report.addedBytes} bytes over its base, over its budget of ${report.budgetAddedBytes}: find what grew with \`docker history ${ref}\``);
  }
}

main().catch((e: unknown) => {
  console.error(`image-size: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
