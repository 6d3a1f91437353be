// plan: the images matrix of a CI run: the affected image projects whose docker-build
// hash changed.
//   NX_BASE=<sha> NX_HEAD=<sha> node -r @swc-node/register tools/ci/src/cli/plan.ts
// Asks Nx for the affected projects that have a docker-build target, then compares
// their docker-build hashes (Nx's own hasher, nothing built) at NX_BASE (a git worktree)
// and at the checkout, and keeps those whose hash changed: affected is per project (a
// test file, a tool of an app, an unlinked package make a project affected), the hash
// is per input, and an unchanged hash is a cache hit with the same image. When the
// hashes cannot be computed, every affected image project is kept. Writes the step
// outputs matrix, projects and has-images to $GITHUB_OUTPUT (stdout when it is unset).
// NX_BASE and NX_HEAD are what nrwl/nx-set-shas exports.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { dockerBuildHashes, dockerBuildHashesAt } from '../image-hashes';
import { githubOutput, keepChangedHashes, parseProjects, planOutputs, type TaskHashes } from '../plan';

function affectedImageProjects(base: string, head: string): string[] {
  const args = ['nx', 'show', 'projects', '--affected', `--base=${base}`, `--head=${head}`, '--withTarget=docker-build', '--json'];
  const r = spawnSync('npx', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error || r.status !== 0) throw new Error(`npx ${args.join(' ')} failed (exit ${r.status}):\n${r.stderr || r.error?.message}`);
  return parseProjects(r.stdout);
}

const revParse = (rev: string): string => execFileSync('git', ['rev-parse', '--verify', `${rev}^{commit}`], { encoding: 'utf8' }).trim();

/** The hashes at a commit: this checkout when it is that commit, a worktree otherwise; undefined (with why) when they cannot be computed. */
function hashesAt(commit: string, projects: string[]): TaskHashes | undefined {
  try {
    const sha = revParse(commit);
    return sha === revParse('HEAD') ? dockerBuildHashes(process.cwd(), projects) : dockerBuildHashesAt(process.cwd(), sha, projects);
  } catch (e) {
    console.error(`plan: no docker-build hashes at ${commit.slice(0, 7)}, so every affected image is kept: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

function main(): void {
  const base = process.env['NX_BASE'];
  const head = process.env['NX_HEAD'] || 'HEAD';
  if (!base) throw new Error('NX_BASE is not set: run nrwl/nx-set-shas first, or set NX_BASE (and NX_HEAD) to the commits to compare');
  const affected = affectedImageProjects(base, head);
  const headHashes = affected.length ? hashesAt(head, affected) : undefined;
  const baseHashes = headHashes ? hashesAt(base, affected) : undefined;
  const { keep, dropped } = keepChangedHashes(affected, baseHashes, headHashes);
  for (const p of dropped) console.error(`plan: ${p} is affected, but its docker-build hash is unchanged (${headHashes?.[`${p}:docker-build`]}): a cache hit, not planned`);
  const text = githubOutput(planOutputs(keep));
  console.error(`plan: ${keep.length ? `images to publish: ${keep.join(', ')}` : 'no image to build: the images job is skipped'} (${base.slice(0, 7)}..${head.slice(0, 7)}; affected: ${affected.join(', ') || 'none'})`);
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
