// docker-deps: the npm dependency set of one project, pruned from the root
// lockfile with Nx's own lockfile tooling (@nx/js createPackageJson and
// createLockFile), written to dist/docker/<project>/ for its image's `npm ci`
// layer. A change to a package the project does not use leaves both files, and
// so the image layer and the docker-build hash, unchanged.
//   docker-deps --project web
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createProjectGraphAsync } from '@nx/devkit';
import { createLockFile, createPackageJson } from '@nx/js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { project: { type: 'string' } } });
  const project = values.project;
  if (!project) throw new Error('usage: docker-deps --project P');
  const root = process.cwd();
  const graph = await createProjectGraphAsync({ exitOnError: true });
  if (!graph.nodes[project]) throw new Error(`no project "${project}" in the graph`);
  // `target: 'build'` reads only the files the build uses (tests and their tools stay out).
  const pkg = createPackageJson(project, graph, { root, target: 'build', isProduction: false });
  // Nx settings and scripts are not for the image; dropping them keeps the file stable.
  delete pkg.nx;
  delete pkg.scripts;
  const lock = createLockFile(pkg, graph, 'npm');
  const out = join(root, 'dist', 'docker', project);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  writeFileSync(join(out, 'package-lock.json'), lock.endsWith('\n') ? lock : `${lock}\n`);
  const count = Object.keys((JSON.parse(lock) as { packages: Record<string, unknown> }).packages).length - 1;
  console.log(`docker-deps: ${project} needs ${count} npm packages; wrote ${out}/package.json and package-lock.json`);
}

main().catch((e: unknown) => {
  console.error(`docker-deps: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
