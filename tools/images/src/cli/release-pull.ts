// release-pull: the Docker pre-version command of `nx release` (nx.json
// release.docker.preVersionCommand runs `nx run-many -t release-pull`): reads
// main's digest from the release registry's `main` tag, verifies its signature,
// pulls it by digest and names it as Nx's version step expects. No build.
//   release-pull --project api --root go/apps/api
// Needs REGISTRY (the release namespace) and IMAGE_SIGNING_PUBLIC_KEY.
import { parseArgs } from 'node:util';
import { pullForRelease } from '../release/release-pull';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { project: { type: 'string' }, root: { type: 'string' } } });
  if (!values.project || !values.root) throw new Error('usage: release-pull --project P --root <project root>');
  await pullForRelease(values.project, values.root, process.cwd(), process.env);
}

main().catch((e: unknown) => {
  console.error(`release-pull: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
