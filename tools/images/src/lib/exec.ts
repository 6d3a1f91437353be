import { spawn, spawnSync } from 'node:child_process';

/** Runs a command to completion and returns its stdout; throws with stderr on failure. */
export function capture(cmd: string, args: string[], opts: { cwd?: string; allowFail?: boolean } = {}): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} could not be started: ${r.error.message}`);
  if (r.status !== 0 && !opts.allowFail) {
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status}:\n${r.stderr.trim()}`);
  }
  return r.status === 0 ? r.stdout : '';
}

/** Runs a command with its output streamed to ours (builds print their progress). */
export function stream(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'inherit' });
    child.on('error', (e) => reject(new Error(`${cmd} could not be started: ${e.message}`)));
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${cmd} ${args.slice(0, 2).join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}
