// docker-build: builds one project's image for linux/amd64 with BuildKit and
// records what came out in dist/images/<project>/metadata.json.
//   docker-build --project api --dockerfile go/Dockerfile.multi-stage --context go --build-arg SERVICE=api
import { parseArgs } from 'node:util';
import { imageArgOptions } from '../lib/image-args';
import { buildImage } from '../build/build-image';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      ...imageArgOptions,
      'no-cache': { type: 'boolean', default: false },
    },
  });
  const { project, dockerfile, context } = values;
  if (!project || !dockerfile || !context) throw new Error('usage: docker-build --project P --dockerfile F --context DIR [--build-arg K=V]');
  await buildImage({
    project,
    dockerfile,
    context,
    buildArgPairs: values['build-arg'],
    nxHash: process.env['NX_TASK_HASH'] ?? '',
    noCache: values['no-cache'],
  });
}

main().catch((e: unknown) => {
  console.error(`docker-build: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
