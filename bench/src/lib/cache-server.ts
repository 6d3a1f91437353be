import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Slipway's remote cache server (go/apps/cache) on loopback with a file store in a temporary directory. */
export interface CacheServer {
  url: string;
  /** Entries stored so far. */
  entries: () => number;
  stop: () => Promise<void>;
}

/**
 * Builds go/apps/cache of `goModule` and starts it on a kernel-chosen port
 * (CACHE_ADDR=127.0.0.1:0; the `listening` log record has the address), as
 * tools/remote-cache's tests do.
 */
export async function startCacheServer(goModule: string, tokens: { read: string; write: string }): Promise<CacheServer> {
  const home = mkdtempSync(join(tmpdir(), 'slipway-bench-cache-'));
  const bin = join(home, 'cache');
  execFileSync('go', ['build', '-o', bin, './apps/cache'], { cwd: goModule, env: { ...process.env, CGO_ENABLED: '0' }, stdio: 'ignore' });
  const dir = join(home, 'data');
  const logFile = join(home, 'server.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(bin, [], {
    env: { PATH: process.env['PATH'] ?? '', CACHE_ADDR: '127.0.0.1:0', CACHE_DIR: dir, CACHE_READ_TOKENS: tokens.read, CACHE_WRITE_TOKENS: tokens.write },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const deadline = Date.now() + 30_000;
  let addr = '';
  while (!addr) {
    for (const line of readFileSync(logFile, 'utf8').split('\n')) {
      if (line.includes('"msg":"listening"')) addr = (JSON.parse(line) as { addr?: string }).addr ?? '';
    }
    if (addr) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the cache server did not start:\n${readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `http://${addr}`,
    entries: () => readdirSync(dir).filter((f) => !f.startsWith('.')).length,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
