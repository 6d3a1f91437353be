// docker-lint: BuildKit's own Dockerfile checks (`docker buildx build --check`).
// Rules a Dockerfile skips are named in its `# check=skip=` directive, with the reason beside it.
//   docker-lint --dockerfile go/Dockerfile.multi-stage --context go [--build-arg K=V]
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { describeBuilder, requireBuilder } from '../lib/builder';
import { stream } from '../lib/exec';

const { values } = parseArgs({
  options: {
    dockerfile: { type: 'string' },
    context: { type: 'string' },
    'build-arg': { type: 'string', multiple: true, default: [] },
  },
});

async function main(): Promise<void> {
  if (!values.dockerfile || !values.context) throw new Error('usage: docker-lint --dockerfile F --context DIR [--build-arg K=V]');
  if (spawnSync('docker', ['buildx', 'version'], { stdio: 'ignore' }).status !== 0 || spawnSync('docker', ['info'], { stdio: 'ignore' }).status !== 0) {
    const why = 'no Docker engine with buildx answers (bash tools/image-harness/up.sh starts one)';
    if (process.env['CI'] === 'true') throw new Error(why);
    console.warn(`docker-lint: skipped ${values.dockerfile}: ${why}`);
    return;
  }
  const builder = requireBuilder(process.env);
  const args = ['buildx', 'build', '--check', '--builder', builder.name, '--platform', 'linux/amd64', '--file', values.dockerfile];
  for (const a of values['build-arg']) args.push('--build-arg', a);
  await stream('docker', [...args, values.context]);
  console.log(`docker-lint: ${values.dockerfile} passes BuildKit's checks (${describeBuilder(builder)})`);
}

main().catch((e: unknown) => {
  console.error(`docker-lint: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
