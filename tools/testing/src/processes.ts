import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Asks the kernel for a free loopback port (bound, then released). */
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

/** A command started in its own process group, with its output kept for failure messages. */
export interface Group {
  child: ChildProcess;
  output: () => string;
  /** Ends the group (SIGTERM, SIGKILL after 10 s): everything the command started, and only that. */
  stop: () => Promise<void>;
}

/** Starts a command in its own process group, so that stop() ends it and everything it started. */
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

export interface WaitOptions {
  /** Whether the answer is the one waited for; any 2xx status unless set. */
  ok?: (status: number, body: string) => boolean;
  timeoutMs?: number;
}

/**
 * Polls `url` every 100 ms until `ok` holds for its status and body. Fails, with the
 * end of the group's output, when the group's command exits first or after `timeoutMs`
 * (three minutes unless set).
 */
export async function waitForHttp(url: string, group: Group, { ok = (s) => s >= 200 && s < 300, timeoutMs = 180_000 }: WaitOptions = {}): Promise<void> {
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

/** Fetches `url` until it answers 200 (every 300 ms, for `timeoutMs`), and returns that answer: for a server started elsewhere, such as a container. */
export async function fetchWhenUp(url: string, timeoutMs = 60_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (res.ok) return res;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
}
