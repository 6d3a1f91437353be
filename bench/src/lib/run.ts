import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

/** One finished command: its exit status, combined output and wall time. */
export interface Timed {
  status: number | null;
  output: string;
  ms: number;
  /** The command line as run (arguments quoted where needed), for the results. */
  command: string;
}

/** What a result records about a timed command: the command line and the environment the benchmark set for it. */
export interface CommandRecord {
  command: string;
  env: Record<string, string>;
}

/** A command line with each argument shell-quoted when it needs it. */
export function commandLine(cmd: string, args: readonly string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [cmd, ...args].map(quote).join(' ');
}

/** Where every command's full output goes (set by the CLI); the console gets one line per command. */
let logFile: string | undefined;
export function setLogFile(file: string): void {
  logFile = file;
}

/** Prints a progress line (stderr, so JSON on stdout stays clean) and keeps it in the log. */
export function progress(message: string): void {
  const line = `bench: ${message}`;
  console.error(line);
  if (logFile) appendFileSync(logFile, `${line}\n`);
}

/** The environment for a nested Nx run: daemon off as in CI, without this process's NX_* variables. */
export function nxEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('NX_')) env[k] = v;
  return { ...env, NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', ...extra };
}

/** Runs a command to completion, timed from spawn to exit; fails with its output unless allowFail. */
export function timed(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; allowFail?: boolean; label?: string; timeoutMs?: number },
): Timed {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: opts.timeoutMs ?? 30 * 60_000,
  });
  const ms = performance.now() - t0;
  const output = `${r.stdout ?? ''}\n${r.stderr ?? ''}`;
  const label = opts.label ?? `${cmd} ${args.join(' ')}`;
  if (logFile) appendFileSync(logFile, `\n===== ${label} (${opts.cwd}) ${(ms / 1000).toFixed(1)} s, exit ${r.status}\n${output}\n`);
  if (r.error) throw new Error(`${label}: could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${label} failed (exit ${r.status}):\n${output.slice(-4000)}`);
  progress(`${label}: ${(ms / 1000).toFixed(1)} s`);
  return { status: r.status, output, ms, command: commandLine(cmd, args) };
}

/** The Nx binary of a workspace, called directly: through `npx` every command costs about 0.3 s more. */
export const NX_BIN = 'node_modules/.bin/nx';

/** The variables every nested Nx run gets (see nxEnv), and the workspace's own Nx cache. */
export function nxExtraEnv(cwd: string, env: Record<string, string> = {}): Record<string, string> {
  return { NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0', NX_CACHE_DIRECTORY: join(cwd, '.nx', 'cache'), ...env };
}

/** An Nx run as a result records it: `node_modules/.bin/nx …`, the variables set, and those the workspace's `.env` sets for Nx. */
export function nxRecord(cwd: string, args: readonly string[], env: Record<string, string> = {}): CommandRecord & { dotEnv: Record<string, string> } {
  return { command: commandLine(NX_BIN, args), env: nxExtraEnv(cwd, env), dotEnv: dotEnv(cwd) };
}

/** KEY=VALUE lines of `<root>/.env` (Nx loads it into every command), or nothing. */
export function dotEnv(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const file = join(root, '.env');
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m?.[1]) out[m[1]] = (m[2] ?? '').replace(/^(['"])(.*)\1$/, '$2');
  }
  return out;
}

/**
 * `node_modules/.bin/nx ...args` in a workspace, timed. The Nx cache is the workspace's own
 * (NX_CACHE_DIRECTORY): without it, a clone whose node_modules links the checkout's
 * shares the checkout's local cache, and a "fresh" clone gets local hits.
 */
export function nx(cwd: string, args: string[], opts: { env?: Record<string, string>; label?: string } = {}): Timed {
  return timed(join(cwd, NX_BIN), args, { cwd, env: nxEnv(nxExtraEnv(cwd, opts.env)), label: opts.label ?? `nx ${args.join(' ')}` });
}

/** One task header Nx printed: `> nx run api:docker-build  [local cache]`. */
export interface TaskRun {
  project: string;
  /** `local cache`, `remote cache`, `existing outputs match the cache…`, or '' when it ran. */
  cache: string;
}

/** The `target` tasks of an Nx run's output, with whether each came from a cache. */
export function taskRuns(output: string, target: string): TaskRun[] {
  const re = new RegExp(`^(?:\\S+: )?> nx run ([^:\\s]+):${target}(?:\\s+\\[([^\\]]*)\\])?`, 'gm');
  const seen = new Map<string, TaskRun>();
  for (const m of output.matchAll(re)) seen.set(m[1] ?? '', { project: m[1] ?? '', cache: m[2] ?? '' });
  return [...seen.values()].sort((a, b) => a.project.localeCompare(b.project));
}

/** Projects whose `target` really ran (no cache hit). */
export const ran = (output: string, target = 'docker-build'): string[] =>
  taskRuns(output, target)
    .filter((t) => !t.cache)
    .map((t) => t.project);
