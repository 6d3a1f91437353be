import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';
import { parseGithubOutput } from '../plan';
import { runnerTempValues, stepById, stepEnv, workflowEnv, type Workflow } from './workflow';

/** The GitHub event a rehearsed run stands for. */
export interface GithubEvent {
  kind: 'push' | 'pull_request';
  sha: string;
  /** The branch pushed, or the pull request's head branch. */
  branch: string;
  /** Pull request number (pull_request only). */
  pr?: number;
  runId: string;
  attempt?: number;
}

/** The variables GitHub's runner gives every step of such a run. */
export function githubEnv(e: GithubEvent): Record<string, string> {
  const common = { GITHUB_ACTIONS: 'true', GITHUB_SHA: e.sha, GITHUB_RUN_ID: e.runId, GITHUB_RUN_ATTEMPT: String(e.attempt ?? 1), GITHUB_REF_TYPE: 'branch' };
  if (e.kind === 'push') return { ...common, GITHUB_EVENT_NAME: 'push', GITHUB_REF: `refs/heads/${e.branch}`, GITHUB_REF_NAME: e.branch };
  return {
    ...common,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REF: `refs/pull/${e.pr}/merge`,
    GITHUB_REF_NAME: `${e.pr}/merge`,
    GITHUB_HEAD_REF: e.branch,
    GITHUB_BASE_REF: 'main',
  };
}

/** The outer environment without what would leak into a rehearsed step (a real CI run's GITHUB_*, Nx and Slipway settings). */
export function cleanEnv(): NodeJS.ProcessEnv {
  const leaks = /^(GITHUB_|RUNNER_|ACTIONS_|NX_|SLIPWAY_)|^(REGISTRY|LEDGER_URL|LEDGER_TOKEN|IMAGE_SOURCE_URL|PROJECT|PLANNED)$/;
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !leaks.test(k)));
}

/** What a rehearsed step did. */
export interface StepRun {
  status: number | null;
  output: string;
  /** What the step wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** What the step wrote to $GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The NX_CACHE_DIRECTORY the step ran with, if any. */
  nxCacheDirectory?: string;
  ms: number;
}

/** One job's RUNNER_TEMP: empty when the job starts, emptied when it ends, as the runner does (also a self-hosted one). */
export interface RunnerTemp {
  dir: string;
  /** The job ended: the runner empties the directory. */
  end: () => void;
}

/** A fresh RUNNER_TEMP for one job. */
export function runnerTemp(prefix: string): RunnerTemp {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, end: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The entries (task hashes) of a local Nx cache directory. */
export function localCacheEntries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+$/.test(f)).sort() : [];
}

/**
 * Runs one step's `run:` script as the runner would (bash -eo pipefail, in the
 * checkout), with the workflow's env, GitHub's variables for the event and the
 * job's RUNNER_TEMP, the step's declared env (`${{ runner.temp }}` values
 * evaluated, the others given by the rehearsal, names checked against the
 * workflow), and anything earlier steps exported to the job (jobEnv).
 */
export function runStep(
  wf: Workflow,
  job: string,
  id: string,
  opts: { cwd: string; event: GithubEvent; runnerTemp: string; values: Record<string, string>; jobEnv?: Record<string, string> },
): StepRun {
  const step = stepById(wf, job, id);
  const files = mkdtempSync(join(tmpdir(), 'slipway-step-'));
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    NX_TUI: 'false',
    FORCE_COLOR: '0',
    ...workflowEnv(wf),
    ...githubEnv(opts.event),
    RUNNER_TEMP: opts.runnerTemp,
    // Nx's local cache comes from the workflow alone (NX_CACHE_DIRECTORY in RUNNER_TEMP): without
    // it, every clone here would share one under ~/.nx, as jobs on one self-hosted runner would.
    ...(opts.jobEnv ?? {}),
    ...stepEnv(step, { ...runnerTempValues(step, opts.runnerTemp), ...opts.values }),
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  const started = Date.now();
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run], {
    cwd: opts.cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 20 * 60_000,
  });
  const run: StepRun = {
    status: r.status,
    output: `${r.stdout}\n${r.stderr}`,
    outputs: parseGithubOutput(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    nxCacheDirectory: env['NX_CACHE_DIRECTORY'],
    ms: Date.now() - started,
  };
  rmSync(files, { recursive: true, force: true });
  return run;
}

/**
 * A fresh clone of origin at a commit, as actions/checkout leaves it: on the
 * branch for a push, detached for a pull request; node_modules linked (npm ci).
 */
export function checkout(origin: string, event: GithubEvent, prefix: string): { root: string; remove: () => void } {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const r = spawnSync('git', ['clone', '--quiet', '--no-checkout', origin, '.'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git clone ${origin} failed: ${r.stderr}`);
  checkoutAgain(root, event);
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Moves an existing clone to another event's commit (fetch, checkout, and the
 * untracked files of the last job removed), keeping what git ignores: a
 * self-hosted runner's reused workspace. Nx keeps nothing of a job there (the
 * workflow puts its cache and workspace data in RUNNER_TEMP).
 */
export function checkoutAgain(root: string, event: GithubEvent): void {
  const git = (...args: string[]) => {
    const r = spawnSync('git', args, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${r.stderr}`);
  };
  git('fetch', '--quiet', 'origin');
  if (event.kind === 'push') git('checkout', '--quiet', '--force', '-B', event.branch, event.sha);
  else git('checkout', '--quiet', '--force', '--detach', event.sha);
  git('clean', '-fdq');
  // A workspace copy may have committed its node_modules link (a link is not the directory .gitignore names).
  if (!existsSync(join(root, 'node_modules'))) symlinkSync(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
}

/** upload-artifact then download-artifact: copies the files of one image job into dir/image-<project>/. */
export function collectArtifact(checkoutRoot: string, project: string, dir: string): void {
  const to = join(dir, `image-${project}`);
  mkdirSync(to, { recursive: true });
  for (const name of ['publish.json', 'metadata.json']) {
    const from = join(checkoutRoot, 'dist', 'images', project, name);
    if (!existsSync(from)) throw new Error(`upload-artifact: ${from} does not exist (if-no-files-found: error)`);
    cpSync(from, join(to, name));
  }
}
