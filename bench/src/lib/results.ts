import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { benchRef, repoRoot } from './workspace';

/** Where results are kept, one JSON file per benchmark. */
export const resultsDir = join(repoRoot, 'bench', 'results');

/** The machine and the moment, recorded with every result. */
export interface Machine {
  date: string;
  cpus: number;
  cpuModel: string;
  memGiB: number;
  /** 1-minute load average at the start and the end of the run (the machine is shared). */
  loadStart: number;
  loadEnd?: number;
  node: string;
  commit: string;
  versions: Record<string, string>;
}

export function machine(versions: Record<string, string> = {}): Machine {
  return {
    date: new Date().toISOString(),
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(totalmem() / 1024 ** 3),
    loadStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    node: process.version,
    commit: execFileSync('git', ['rev-parse', '--short', benchRef()], { cwd: repoRoot, encoding: 'utf8' }).trim(),
    versions,
  };
}

/** Writes bench/results/<name>.json (or <dir>/<name>.json) with the load average at the end filled in. */
export function writeResult(name: string, result: { machine: Machine; startedAt?: number } & Record<string, unknown>, dir = resultsDir): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const { startedAt, ...rest } = result;
  const out = {
    ...rest,
    machine: { ...result.machine, loadEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
    ...(startedAt ? { wallSeconds: Math.round((Date.now() - startedAt) / 1000) } : {}),
  };
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  return file;
}
