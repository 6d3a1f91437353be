// docker-publish: after docker-build (built or restored from a cache), gives the
// image this commit's tags in the registry without rebuilding it (unless its
// digest is missing there), and records it.
//   docker-publish --project api --dockerfile go/Dockerfile.multi-stage --context go --build-arg SERVICE=api [--budget 20MB]
// Needs SLIPWAY_IMAGE_MODE=push and REGISTRY; LEDGER_URL and LEDGER_TOKEN to record the build.
import { parseArgs } from 'node:util';
import { imageArgOptions } from '../lib/image-args';
import { publishImage } from '../publish/publish-image';
import { parseSize } from '../size-report';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...imageArgOptions,
      budget: { type: 'string' },
    },
  });
  const { project, dockerfile, context } = values;
  if (!project || !dockerfile || !context) {
    throw new Error('usage: docker-publish --project P --dockerfile F --context DIR [--build-arg K=V] [--budget 20MB]');
  }
  await publishImage({
    project,
    dockerfile,
    context,
    buildArgPairs: values['build-arg'],
    budgetBytes: values.budget ? parseSize(values.budget) : undefined,
  });
}

main().catch((e: unknown) => {
  console.error(`docker-publish: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
