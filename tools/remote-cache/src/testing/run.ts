import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** This repository. */
export const workspaceRoot = resolve(__dirname, '../../../..');

/** `node -r @swc-node/register <with-remote-cache.ts>`: the wrapper as the repo runs its TS scripts. */
export const wrapperCommand = ['node', '-r', require.resolve('@swc-node/register'), resolve(__dirname, '../cli/with-remote-cache.ts')];

/** The outcome of one command. */
export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  ms: number;
  /** Whether the command was still running at the time limit and was killed. */
  timedOut: boolean;
}

/**
 * Runs a command without blocking the event loop (the test's own servers must
 * keep answering). On the time limit it kills the whole process group: killing
 * only `npx` leaves the nx process behind, and Nx 23.2.1 ignores SIGTERM and
 * SIGINT while an upload to the remote cache is pending, hence SIGKILL.
 */
export function run(
  command: string[],
  opts: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number; onSpawn?: (pid: number) => void },
): Promise<Run> {
  const [file, ...args] = command as [string, ...string[]];
  const started = Date.now();
  return new Promise((done, fail) => {
    const child = spawn(file, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid ?? 0), 'SIGKILL');
      } catch {
        // already gone
      }
    }, opts.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, output, ms: Date.now() - started, timedOut });
    });
  });
}
