import { capture } from './exec';

/** The commit an image is built from. */
export interface GitInfo {
  sha: string;
  short: string;
  /** Commit time in seconds, used as SOURCE_DATE_EPOCH for reproducible layers. */
  epoch: number;
}

/** Reads HEAD; outside a git checkout every field says so instead of failing. */
export function gitInfo(cwd: string): GitInfo {
  const out = capture('git', ['log', '-1', '--format=%H %ct'], { cwd, allowFail: true }).trim();
  const [sha, epoch] = out.split(' ');
  if (!sha || !epoch) return { sha: 'unknown', short: 'unknown', epoch: 0 };
  return { sha, short: sha.slice(0, 7), epoch: Number(epoch) };
}
