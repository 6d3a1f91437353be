import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseHashes, type TaskHashes } from './plan';

/** Nx's own task hashes without running the tasks (see tools/affected/src/nx-hashes.ts). */
const NX_HASHES = resolve(__dirname, '../../affected/src/nx-hashes.ts');

/** Where an Nx run keeps per-checkout state; a base checkout must have its own. */
const PER_CHECKOUT_ENV = ['NX_WORKSPACE_DATA_DIRECTORY', 'NX_PROJECT_GRAPH_CACHE_DIRECTORY'];

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error || r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status}):\n${`${r.stdout}\n${r.stderr}`.trim().slice(-3000) || r.error?.message}`);
  return r.stdout;
}

/**
 * The docker-build hashes of the image projects in the checkout at `cwd`. docker-build
 * of an npm image hashes the output of its docker-deps (the pruned lockfile), so that
 * runs first, for `projects` (an Nx cache hit when its inputs are unchanged); the hashes
 * then reuse the project graph that run computed.
 */
export function dockerBuildHashes(cwd: string, projects: readonly string[], env: NodeJS.ProcessEnv = process.env): TaskHashes {
  const since = Date.now();
  run('npx', ['nx', 'run-many', '-t', 'docker-deps', '-p', projects.join(','), '--outputStyle=stream'], cwd, env);
  try {
    return parseHashes(run('node', ['-r', '@swc-node/register', NX_HASHES, '--since', String(since)], cwd, env));
  } catch {
    // The run above left no graph of its own (Nx reused an older one): compute it again.
    return parseHashes(run('node', ['-r', '@swc-node/register', NX_HASHES], cwd, env));
  }
}

/** node_modules of the repository and of its workspace packages (npm nests a package there when versions differ). */
function nodeModulesDirs(root: string): string[] {
  const dirs = ['node_modules'];
  for (const group of ['apps', 'libs', 'tools', 'bench']) {
    if (!existsSync(join(root, group))) continue;
    for (const e of readdirSync(join(root, group), { withFileTypes: true })) {
      if (e.isDirectory() && existsSync(join(root, group, e.name, 'node_modules'))) dirs.push(`${group}/${e.name}/node_modules`);
    }
  }
  return dirs;
}

/**
 * The same hashes for another commit: a detached git worktree of it (removed after),
 * with this checkout's node_modules linked, so the commit's own nx.json, plugins and
 * files decide its hashes, with the same Nx.
 */
export function dockerBuildHashesAt(repo: string, commit: string, projects: readonly string[], tempDir = process.env['RUNNER_TEMP'] || tmpdir()): TaskHashes {
  const dir = mkdtempSync(join(tempDir, 'slipway-plan-base-'));
  rmSync(dir, { recursive: true, force: true });
  execFileSync('git', ['worktree', 'add', '--quiet', '--detach', dir, commit], { cwd: repo, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    for (const nm of nodeModulesDirs(repo)) if (existsSync(join(dir, nm, '..')) && !existsSync(join(dir, nm))) symlinkSync(join(repo, nm), join(dir, nm), 'dir');
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const k of PER_CHECKOUT_ENV) delete env[k];
    return dockerBuildHashes(dir, projects, env);
  } finally {
    execFileSync('git', ['worktree', 'remove', '--force', dir], { cwd: repo, stdio: 'ignore' });
  }
}
