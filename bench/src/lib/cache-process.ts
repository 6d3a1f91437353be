import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The cache server as a process of its own, with what /proc says about it. */
export interface CacheProcess {
  url: string;
  pid: number;
  /** User plus system CPU time the process has used so far, in ms. */
  cpuMs: () => number;
  /** Peak resident set size so far (VmHWM), in bytes. */
  peakRssBytes: () => number;
  /** /metrics as `name{labels}` → value. */
  metrics: () => Promise<Record<string, number>>;
  stop: () => Promise<void>;
}

const CLOCK_TICKS_PER_S = 100; // USER_HZ on Linux

/**
 * Starts a cache binary on 127.0.0.1 (kernel-chosen port) with a fresh CACHE_DIR and
 * waits for its "listening" record. Its log (JSON lines on stdout) goes to a pipe that
 * this process drains, as a container runtime's log driver would: a server that wrote
 * a line per request to a pipe pays for waking the reader each time, so the benchmark
 * must not hide that behind a file.
 */
export async function startCacheProcess(bin: string, env: Record<string, string>): Promise<CacheProcess> {
  const home = mkdtempSync(join(tmpdir(), 'slipway-bench-cache-server-'));
  const dir = join(home, 'data');
  mkdirSync(dir);
  const child = spawn(bin, [], { env: { PATH: process.env['PATH'] ?? '', CACHE_ADDR: '127.0.0.1:0', CACHE_DIR: dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  // The start of the log, for an error message; the rest is read and dropped.
  let head = '';
  let addr = '';
  const onData = (chunk: Buffer) => {
    if (head.length < 64 << 10) head += chunk.toString('utf8');
    if (!addr) addr = /"msg":"listening"[^\n]*"addr":"([^"]+)"/.exec(head)?.[1] ?? '';
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  for (const deadline = Date.now() + 30_000; !addr; await new Promise((r) => setTimeout(r, 20))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${bin} did not start:\n${head}`);
  }
  const pid = child.pid as number;
  const url = `http://${addr}`;
  return {
    url,
    pid,
    cpuMs: () => {
      // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
    },
    peakRssBytes: () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) * 1024,
    metrics: () =>
      new Promise((resolve, reject) => {
        get(`${url}/metrics`, { agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => {
            const out: Record<string, number> = {};
            for (const line of text.split('\n')) {
              const m = /^([a-z_]+(?:\{[^}]*\})?) (\S+)$/.exec(line);
              if (m?.[1] && m[2]) out[m[1]] = Number(m[2]);
            }
            resolve(out);
          });
        }).on('error', reject);
      }),
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
