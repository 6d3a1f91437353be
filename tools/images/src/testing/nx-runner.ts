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

/** The projects whose docker-build ran for real in an Nx run (not restored from a cache). */
export function builtProjects(output: string): string[] {
  return [...output.matchAll(/^docker-build: (\S+) built in/gm)].map((m) => m[1]!).sort();
}

/** The projects whose docker-build Nx restored from a cache. */
export function cachedProjects(output: string): string[] {
  return [...output.matchAll(/nx run (\S+):docker-build\s+\[(?:local|remote) cache\]/g)].map((m) => m[1]!).sort();
}
