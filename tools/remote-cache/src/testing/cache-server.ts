import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from './run';

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
  const bin = join(dir, 'cache');
  execFileSync('go', ['build', '-o', bin, './apps/cache'], {
    cwd: join(workspaceRoot, 'go'),
    env: { ...process.env, CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return bin;
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
 * the server logs the real address) and a fresh CACHE_DIR. Its log goes to a
 * file, not a pipe, so a test that blocks in spawnSync cannot stall it.
 */
export async function startCacheServer(bin: string, env: Record<string, string>): Promise<CacheServer> {
  const home = mkdtempSync(join(tmpdir(), 'slipway-cache-server-'));
  const dir = join(home, 'data');
  mkdirSync(dir);
  const logFile = join(home, 'server.log');
  const fd = openSync(logFile, 'w');
  const child: ChildProcess = spawn(bin, [], {
    env: { PATH: process.env['PATH'] ?? '', CACHE_ADDR: '127.0.0.1:0', CACHE_DIR: dir, CACHE_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const log = () => readFileSync(logFile, 'utf8');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  let addr = '';
  while (!addr) {
    const listening = log()
      .split('\n')
      .map((l) => {
        try {
          return JSON.parse(l) as { msg?: string; addr?: string };
        } catch {
          return {};
        }
      })
      .find((r) => r.msg === 'listening');
    if (listening?.addr) addr = listening.addr;
    else if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the cache server did not start:\n${log()}`);
    else await new Promise((r) => setTimeout(r, 50));
  }
  const url = `http://${addr}`;
  return {
    url,
    port: Number(addr.split(':').pop()),
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
    log,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
