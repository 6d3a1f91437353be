import { capture } from './exec';

/** The commit an image is built from. */
export interface GitInfo {
  sha: string;
  short: string;
}

/** Reads HEAD; outside a git checkout every field says so instead of failing. */
export function gitInfo(cwd: string): GitInfo {
  const sha = capture('git', ['rev-parse', 'HEAD'], { cwd, allowFail: true }).trim();
  if (!/^[0-9a-f]{40}$/.test(sha)) return { sha: 'unknown', short: 'unknown' };
  return { sha, short: sha.slice(0, 7) };
}

/** The checked-out branch, or '' on a detached HEAD (as CI checkouts often are). */
export function currentBranch(cwd: string): string {
  return capture('git', ['branch', '--show-current'], { cwd, allowFail: true }).trim();
}
