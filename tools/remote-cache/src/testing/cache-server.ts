import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { buildGoService, startGoService } from '@slipway/testing/src/go-service';

/**
 * GETs url on a connection of its own. The tests run nx synchronously for minutes,
 * which stalls fetch's keep-alive timers: a pooled socket the server has long closed
 * would be reused and fail with EPIPE.
 */
function getOnFreshConnection(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new Error(`GET ${url}: ${res.statusCode}: ${body}`))));
    }).on('error', reject);
  });
}

/** Builds Slipway's cache server (go/apps/cache) into dir and returns the binary's path. */
export function buildCacheServer(dir: string): string {
  return buildGoService('cache', dir);
}

/** A running cache server with a file store in a temporary directory. */
export interface CacheServer {
  url: string;
  port: number;
  /** CACHE_DIR. */
  dir: string;
  /** Published entries: the files of CACHE_DIR, named by hash. */
  entries: () => string[];
  /** Uploads in progress or left behind: the files of CACHE_DIR/.tmp. */
  tempFiles: () => string[];
  /** Every file under CACHE_DIR, relative, sorted. */
  files: () => string[];
  /** /metrics as `name{labels}` → value. */
  metrics: () => Promise<Record<string, number>>;
  log: () => string;
  stop: () => Promise<void>;
}

function walk(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]))
    .sort();
}

/**
 * Starts the binary on 127.0.0.1 with a kernel-chosen port (CACHE_ADDR=127.0.0.1:0;
 * the server logs the real address) and a fresh CACHE_DIR.
 */
export async function startCacheServer(bin: string, env: Record<string, string>): Promise<CacheServer> {
  const service = await startGoService(bin, (home) => {
    const dataDir = join(home, 'data');
    mkdirSync(dataDir);
    return { CACHE_ADDR: '127.0.0.1:0', CACHE_DIR: dataDir, CACHE_LOG_LEVEL: 'info', ...env };
  });
  const { url } = service;
  const dir = join(service.home, 'data');
  return {
    url,
    port: Number(new URL(url).port),
    dir,
    entries: () => readdirSync(dir).filter((f) => !f.startsWith('.')).sort(),
    tempFiles: () => walk(join(dir, '.tmp')),
    files: () => walk(dir),
    metrics: async () => {
      const text = await getOnFreshConnection(`${url}/metrics`);
      const out: Record<string, number> = {};
      for (const line of text.split('\n')) {
        const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
        if (m?.[1] && m[2]) out[m[1]] = Number(m[2]);
      }
      return out;
    },
    log: service.log,
    stop: service.stop,
  };
}
