import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from './workspace-copy';

/** Builds a Go service of go/apps (e.g. `api`, `cache`) into dir and returns the binary's path. */
export function buildGoService(service: string, dir: string): string {
  const bin = join(dir, service);
  execFileSync('go', ['build', '-o', bin, `./apps/${service}`], {
    cwd: join(workspaceRoot, 'go'),
    env: { ...process.env, CGO_ENABLED: '0' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return bin;
}

/** A Go service process started by a test. */
export interface GoService {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** A temporary directory the test may use for the service's data. */
  home: string;
  log: () => string;
  stop: () => Promise<void>;
}

/**
 * Starts a service binary (every Slipway service logs a JSON `listening` record
 * with its address) with env, which should ask for `127.0.0.1:0`. The log goes
 * to a file, so a test blocked in spawnSync cannot stall the service on a full pipe.
 */
export async function startGoService(bin: string, env: (home: string) => Record<string, string>): Promise<GoService> {
  const home = mkdtempSync(join(tmpdir(), 'slipway-service-'));
  const logFile = join(home, 'service.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(bin, [], { env: { PATH: process.env['PATH'] ?? '', ...env(home) }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const log = () => readFileSync(logFile, 'utf8');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  let addr = '';
  while (!addr) {
    for (const line of log().split('\n')) {
      try {
        const rec = JSON.parse(line) as { msg?: string; addr?: string };
        if (rec.msg === 'listening' && rec.addr) addr = rec.addr;
      } catch {
        // not a JSON line
      }
    }
    if (addr) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${bin} did not start:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://${addr}`,
    home,
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
