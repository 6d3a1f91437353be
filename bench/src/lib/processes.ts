import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Asks the kernel for a free loopback port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no free port'))));
    });
  });
}

/** A command started in its own process group, so stop() ends everything it started (and only that). */
export interface Group {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

export function startGroup(command: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Group {
  const child = spawn(command, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    process.kill(-child.pid, 'SIGTERM');
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { child, output: () => out, stop };
}

/** Polls `url` every 100 ms until `ok` holds for its response and body; fails with the group's output after `timeoutMs`. */
export async function waitFor(url: string, group: Group, ok: (status: number, body: string) => boolean, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (group.child.exitCode !== null) throw new Error(`the command exited (${group.child.exitCode}) before ${url} answered:\n${group.output().slice(-4000)}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (ok(res.status, await res.text())) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${url}:\n${group.output().slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
