import { spawnSync } from 'node:child_process';

/** The environment for an Nx run nested in a test: without the outer task's NX_* variables. */
export function nestedNxEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NX_')) env[k] = v;
  return { ...env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', ...extra };
}

/** The outcome of one nested `nx` command. */
export interface NxRun {
  status: number | null;
  output: string;
}

/** Runs `npx nx ...args` in `cwd` and returns its combined output. */
export function runNx(cwd: string, args: string[], extraEnv: Record<string, string> = {}): NxRun {
  const r = spawnSync('npx', ['nx', ...args], {
    cwd,
    env: nestedNxEnv(extraEnv),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 20 * 60_000,
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

/** One task header Nx printed: `> nx run api:docker-build  [local cache]`. */
interface TaskLine {
  project: string;
  cached: boolean;
}

function taskLines(output: string, target: string): TaskLine[] {
  // With parallel tasks Nx prefixes each line with the project name; under GitHub Actions
  // (GITHUB_ACTIONS=true) it folds a cached task's output into `::group::⏩ > nx run …`.
  const re = new RegExp(`^(?:\\S+: )?(?:::group::\\S+ )?> nx run ([^:\\s]+):${target}(.*)$`, 'gm');
  return [...output.matchAll(re)].map((m) => ({ project: m[1] ?? '', cached: /cache/.test(m[2] ?? '') }));
}

/** The projects whose `target` ran for real in an Nx run (a cache hit replays old output, so only Nx's header tells). */
export function ranProjects(output: string, target = 'docker-build'): string[] {
  return taskLines(output, target)
    .filter((t) => !t.cached)
    .map((t) => t.project)
    .sort();
}

/** The projects whose `target` Nx restored from a cache. */
export function cachedProjects(output: string, target = 'docker-build'): string[] {
  return taskLines(output, target)
    .filter((t) => t.cached)
    .map((t) => t.project)
    .sort();
}
