// plan: the images matrix of a CI run, from the affected graph.
//   NX_BASE=<sha> NX_HEAD=<sha> node -r @swc-node/register tools/ci/src/cli/plan.ts
// Asks Nx for the affected projects that have a docker-build target and writes
// the step outputs matrix, projects and has-images to $GITHUB_OUTPUT (stdout
// when it is unset). NX_BASE and NX_HEAD are what nrwl/nx-set-shas exports.
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { githubOutput, parseProjects, planOutputs } from '../plan';

function affectedImageProjects(base: string, head: string): string[] {
  const args = ['nx', 'show', 'projects', '--affected', `--base=${base}`, `--head=${head}`, '--withTarget=docker-build', '--json'];
  const r = spawnSync('npx', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) throw new Error(`npx ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr || r.error?.message}`);
  return parseProjects(r.stdout);
}

function main(): void {
  const base = process.env['NX_BASE'];
  const head = process.env['NX_HEAD'] || 'HEAD';
  if (!base) throw new Error('NX_BASE is not set: run nrwl/nx-set-shas first, or set NX_BASE (and NX_HEAD) to the commits to compare');
  const projects = affectedImageProjects(base, head);
  const text = githubOutput(planOutputs(projects));
  console.error(`plan: ${projects.length ? `images to publish: ${projects.join(', ')}` : 'no image project is affected: the images job is skipped'} (${base.slice(0, 7)}..${head.slice(0, 7)})`);
  const file = process.env['GITHUB_OUTPUT'];
  if (file) appendFileSync(file, text);
  else process.stdout.write(text);
}

try {
  main();
} catch (e) {
  console.error(`plan: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
