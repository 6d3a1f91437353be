import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGoService } from '@slipway/testing/src/go-service';

/** Slipway's remote cache server (go/apps/cache) on loopback with a file store in a temporary directory. */
export interface CacheServer {
  url: string;
  /** Entries stored so far. */
  entries: () => number;
  stop: () => Promise<void>;
}

/**
 * Builds go/apps/cache of `goModule` (a clone's go/, not the checkout's) and
 * starts it on a kernel-chosen port, as tools/remote-cache's tests do.
 */
export async function startCacheServer(goModule: string, tokens: { read: string; write: string }): Promise<CacheServer> {
  const binDir = mkdtempSync(join(tmpdir(), 'slipway-bench-cache-'));
  const bin = join(binDir, 'cache');
  execFileSync('go', ['build', '-o', bin, './apps/cache'], { cwd: goModule, env: { ...process.env, CGO_ENABLED: '0' }, stdio: 'ignore' });
  const service = await startGoService(bin, (home) => {
    const dir = join(home, 'data');
    mkdirSync(dir);
    return { CACHE_ADDR: '127.0.0.1:0', CACHE_DIR: dir, CACHE_READ_TOKENS: tokens.read, CACHE_WRITE_TOKENS: tokens.write };
  });
  const dir = join(service.home, 'data');
  return {
    url: service.url,
    entries: () => readdirSync(dir).filter((f) => !f.startsWith('.')).length,
    stop: async () => {
      await service.stop();
      rmSync(binDir, { recursive: true, force: true });
    },
  };
}
