// nx-release-publish of an image project (run by `nx release` / `nx release
// publish`): tags the digest release-pull found with the version Nx chose, in
// the release registry, by digest, and reads the tag back.
//   release-publish --project api --root go/apps/api
// Needs REGISTRY and IMAGE_SIGNING_PUBLIC_KEY; NX_DRY_RUN=true (nx release --dry-run) tags nothing.
import { parseArgs } from 'node:util';
import { gitInfo } from '../lib/git';
import { publishRelease } from '../release/release-publish';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { project: { type: 'string' }, root: { type: 'string' } } });
  if (!values.project || !values.root) throw new Error('usage: release-publish --project P --root <project root>');
  await publishRelease(values.project, values.root, process.cwd(), process.env, gitInfo(process.cwd()));
}

main().catch((e: unknown) => {
  console.error(`nx-release-publish: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
