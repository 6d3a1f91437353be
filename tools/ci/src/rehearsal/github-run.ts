// Over 300 lines: GitHub's side of a job (contexts, secrets, conditions, stand-ins for actions, the
// runner's temp and Docker config) is one model, and splitting it would scatter the runner's rules.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';
import { parseGithubOutput } from '../plan';
import { condition, interpolate, type ExpressionContext } from './expressions';
import { workflowEnv, type Workflow, type WorkflowJob, type WorkflowStep } from './workflow';

/** The repository a rehearsed run belongs to (github.repository). */
export const REPOSITORY = 'slipway/slipway';

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
  const common = { GITHUB_ACTIONS: 'true', GITHUB_SHA: e.sha, GITHUB_RUN_ID: e.runId, GITHUB_RUN_ATTEMPT: String(e.attempt ?? 1), GITHUB_REF_TYPE: 'branch', GITHUB_REPOSITORY: REPOSITORY };
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

/** The `github` context of the event, as far as the workflow reads it. */
export function githubContext(e: GithubEvent): Record<string, unknown> {
  const env = githubEnv(e);
  return {
    event_name: env['GITHUB_EVENT_NAME'],
    ref: env['GITHUB_REF'],
    sha: e.sha,
    head_ref: env['GITHUB_HEAD_REF'] ?? '',
    repository: REPOSITORY,
    server_url: 'https://github.com',
    run_id: e.runId,
    run_attempt: String(e.attempt ?? 1),
    // Pull requests of the rehearsal come from branches of the repository itself, not forks.
    event: e.kind === 'pull_request' ? { pull_request: { number: e.pr, head: { repo: { full_name: REPOSITORY } } } } : {},
  };
}

/** The outer environment without what would leak into a rehearsed step (a real CI run's GITHUB_*, Nx, Slipway and Docker settings). */
export function cleanEnv(): NodeJS.ProcessEnv {
  const leaks = /^(GITHUB_|RUNNER_|ACTIONS_|NX_|SLIPWAY_)|^(REGISTRY|LEDGER_URL|LEDGER_TOKEN|IMAGE_SOURCE_URL|PROJECT|PLANNED|DOCKER_CONFIG|BUILDX_CONFIG)$/;
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !leaks.test(k)));
}

/**
 * A repository's Actions settings, as its administrators would set them:
 * variables, repository-level secrets (every job of a run from the repository
 * gets them, a pull request's too), and environments, whose secrets only a job
 * that names the environment gets, and only when the run's GITHUB_REF passes
 * the environment's deployment branch rule.
 */
export interface RepoSettings {
  vars: Record<string, string>;
  secrets: Record<string, string>;
  environments: Record<string, { branches: string[]; secrets: Record<string, string> }>;
}

/** The environment a job names, if any. */
export function environmentOf(job: WorkflowJob): string | undefined {
  const env = job.environment;
  return typeof env === 'string' ? env : env?.name;
}

/**
 * The secrets GitHub hands one job: the repository's, and those of the
 * environment it names when the deployment branch rule admits the run (matched
 * against GITHUB_REF: a pull request's refs/pull/<n>/merge never matches
 * `main`). A job the rule refuses fails before its first step, as on GitHub.
 */
export function jobSecrets(settings: RepoSettings, jobId: string, job: WorkflowJob, event: GithubEvent): Record<string, string> {
  const secrets = { GITHUB_TOKEN: `rehearsal-github-token-${event.runId}`, ...settings.secrets };
  const name = environmentOf(job);
  if (!name) return secrets;
  if (name.includes('${{')) throw new Error(`job ${jobId}: the rehearsal takes only a literal environment name, not ${name}`);
  // GitHub creates an environment a job names that does not exist: no rule, no secrets.
  const environment = settings.environments[name];
  if (!environment) return secrets;
  const ref = githubEnv(event)['GITHUB_REF'] ?? '';
  if (!environment.branches.some((b) => ref === `refs/heads/${b}`)) {
    throw new Error(`job ${jobId}: "${ref}" is not allowed to deploy to ${name} due to environment protection rules`);
  }
  return { ...secrets, ...environment.secrets };
}

/** What GitHub knows about the jobs of a run that have finished. */
export type JobResults = Record<string, { result: 'success' | 'failure' | 'skipped'; outputs: Record<string, string> }>;

const needsOf = (job: WorkflowJob): string[] => (job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs]);

/**
 * Whether GitHub runs a job of this event, given the results of the jobs it
 * needs: its `if:` evaluated (implicitly `success() &&` unless it calls a status
 * function), or, without one, all its needs succeeded.
 */
export function jobRuns(wf: Workflow, jobId: string, event: GithubEvent, settings: RepoSettings, results: JobResults): boolean {
  const job = wf.jobs[jobId];
  if (!job) throw new Error(`the workflow has no job ${jobId}`);
  const needs = needsOf(job);
  for (const n of needs) if (!results[n]) throw new Error(`job ${jobId} needs ${n}, which has not run yet`);
  const allSucceeded = needs.every((n) => results[n]?.result === 'success');
  if (!job.if) return allSucceeded;
  const ok = condition(job.if, { github: githubContext(event), vars: settings.vars, needs: pick(results, needs), inputs: {} });
  return /\b(always|success|failure|cancelled)\(\)/.test(job.if) ? ok : ok && allSucceeded;
}

function pick(results: JobResults, names: string[]): JobResults {
  return Object.fromEntries(names.map((n) => [n, results[n]!]));
}

/** What a rehearsed `run:` step did. */
export interface StepRun {
  status: number | null;
  output: string;
  /** What the step wrote to $GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** What the step wrote to $GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The environment the step ran with, as the workflow declares it (evaluated). */
  env: Record<string, string>;
  /** The entries of the step's local Nx cache (NX_CACHE_DIRECTORY) when it ended, before the job's RUNNER_TEMP was emptied. */
  localCacheEntries: string[];
  ms: number;
}

/** The entries (task hashes) of a local Nx cache directory. */
export function localCacheEntries(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).filter((f) => /^\d+$/.test(f)).sort() : [];
}

/** Where one rehearsed job runs: its checkout, its RUNNER_TEMP, its Docker config, and what earlier steps exported. */
export interface JobSpace {
  jobId: string;
  cwd: string;
  runnerTemp: string;
  /** The runner's ~/.docker, in RUNNER_TEMP: each job starts without logins, as on a fresh runner. */
  dockerConfig: string;
  /** Variables earlier steps gave the job (as through $GITHUB_ENV). */
  env: Record<string, string>;
}

/** A stand-in for an action: what the rehearsal does for a `uses:` step, given its evaluated `with:`. */
export type StandIn = (inputs: Record<string, string>, space: JobSpace) => void;

/** One job of a rehearsed run. */
export interface JobRun {
  /** The `run:` steps, by id. */
  steps: Record<string, StepRun>;
  /** The job's outputs, evaluated from its `outputs:`. */
  outputs: Record<string, string>;
  /** Each step, and whether it ran (`uses` name or step id). */
  log: string[];
  /** The secrets the job was given (names only). */
  secretNames: string[];
}

/**
 * Runs one job as GitHub would, step by step: a step's `if:` is evaluated, a
 * `uses:` step is done by its stand-in (an action without one is an error), a
 * `run:` step runs its script (bash -eo pipefail, in the checkout) with the
 * workflow's env, GitHub's variables for the event, the job's RUNNER_TEMP and
 * Docker config, and the step's own `env:` evaluated from the settings, the
 * job's secrets (see jobSecrets) and the matrix entry. A failed step fails the job.
 */
export function runJob(
  wf: Workflow,
  jobId: string,
  opts: { event: GithubEvent; settings: RepoSettings; cwd: string; needs: JobResults; matrix?: Record<string, string>; standIns: Record<string, StandIn> },
): JobRun {
  const job = wf.jobs[jobId];
  if (!job) throw new Error(`the workflow has no job ${jobId}`);
  const secrets = jobSecrets(opts.settings, jobId, job, opts.event);
  const temp = mkdtempSync(join(tmpdir(), `slipway-rehearsal-${jobId}-temp-`));
  const space: JobSpace = { jobId, cwd: opts.cwd, runnerTemp: temp, dockerConfig: join(temp, 'docker'), env: {} };
  mkdirSync(space.dockerConfig);
  const stepsCtx: Record<string, { outputs: Record<string, string>; outcome: string }> = {};
  const run: JobRun = { steps: {}, outputs: {}, log: [], secretNames: Object.keys(secrets).sort() };
  const ctx = (): ExpressionContext => ({
    github: githubContext(opts.event),
    vars: opts.settings.vars,
    secrets,
    matrix: opts.matrix ?? {},
    runner: { temp, os: 'Linux' },
    needs: pick(opts.needs, needsOf(job)),
    steps: stepsCtx,
    env: { ...workflowEnv(wf), ...space.env },
    inputs: {},
  });
  try {
    for (const step of job.steps) {
      const what = step.uses ?? step.id ?? step.name ?? 'run';
      if (!condition(step.if, ctx())) {
        run.log.push(`${what}: skipped`);
        continue;
      }
      if (step.uses) {
        const action = step.uses.startsWith('./') ? step.uses : step.uses.slice(0, step.uses.indexOf('@'));
        const standIn = opts.standIns[action];
        if (!standIn) throw new Error(`job ${jobId}: the rehearsal has no stand-in for ${action}`);
        const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx())]));
        standIn(inputs, space);
        run.log.push(`${what}: ran`);
        continue;
      }
      if (!step.run) throw new Error(`job ${jobId}: a step with neither uses nor run`);
      if (!step.id) throw new Error(`job ${jobId}: every run: step needs an id, for the rehearsal to report it`);
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, interpolate(String(v), ctx())]));
      const result = runScript(step, { ...space, event: opts.event, stepEnv, workflow: wf });
      run.steps[step.id] = result;
      stepsCtx[step.id] = { outputs: result.outputs, outcome: result.status === 0 ? 'success' : 'failure' };
      run.log.push(`${what}: ran`);
      if (result.status !== 0) throw new Error(`job ${jobId}, step ${step.id} failed (exit ${result.status}):\n${result.output.slice(-6000)}`);
    }
    run.outputs = Object.fromEntries(Object.entries(job.outputs ?? {}).map(([k, v]) => [k, interpolate(v, ctx())]));
    return run;
  } finally {
    // The runner empties RUNNER_TEMP when the job ends (a self-hosted one too).
    rmSync(temp, { recursive: true, force: true });
  }
}

function runScript(step: WorkflowStep & { run?: string }, opts: JobSpace & { event: GithubEvent; stepEnv: Record<string, string>; workflow: Workflow }): StepRun {
  const files = mkdtempSync(join(tmpdir(), 'slipway-step-'));
  const outputFile = join(files, 'output');
  const summaryFile = join(files, 'summary');
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(),
    NX_TUI: 'false',
    FORCE_COLOR: '0',
    ...workflowEnv(opts.workflow),
    ...githubEnv(opts.event),
    RUNNER_TEMP: opts.runnerTemp,
    DOCKER_CONFIG: opts.dockerConfig,
    // Nx's local cache comes from the workflow alone (NX_CACHE_DIRECTORY in RUNNER_TEMP): without
    // it, every clone here would share one under ~/.nx, as jobs on one self-hosted runner would.
    ...opts.env,
    ...opts.stepEnv,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  const started = Date.now();
  const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run ?? ''], {
    cwd: opts.cwd,
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 20 * 60_000,
  });
  const cacheDir = env['NX_CACHE_DIRECTORY'];
  const run: StepRun = {
    status: r.status,
    output: `${r.stdout}\n${r.stderr}`,
    outputs: parseGithubOutput(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    env: opts.stepEnv,
    localCacheEntries: cacheDir ? localCacheEntries(cacheDir) : [],
    ms: Date.now() - started,
  };
  rmSync(files, { recursive: true, force: true });
  return run;
}

/** Where buildx keeps its builders for the user running the rehearsal (the harness registers `slipway` there). */
function buildxStore(): string {
  return process.env['BUILDX_CONFIG'] ?? join(process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker'), 'buildx');
}

/** Gives a job's Docker config the machine's buildx builders and CLI plugins (docker/setup-buildx-action's part). */
export function prepareDockerConfig(dockerConfig: string): void {
  mkdirSync(dockerConfig, { recursive: true });
  if (existsSync(buildxStore())) cpSync(buildxStore(), join(dockerConfig, 'buildx'), { recursive: true });
  const plugins = join(process.env['DOCKER_CONFIG'] ?? join(homedir(), '.docker'), 'cli-plugins');
  if (existsSync(plugins) && !existsSync(join(dockerConfig, 'cli-plugins'))) symlinkSync(plugins, join(dockerConfig, 'cli-plugins'), 'dir');
}

/** `docker login` into a Docker config (docker/login-action's part). */
export function dockerLogin(dockerConfig: string, registry: string, username: string, password: string): void {
  if (!registry || !password) throw new Error(`docker/login-action: registry and password are required (registry "${registry}")`);
  const r = spawnSync('docker', ['login', registry, '--username', username, '--password-stdin'], {
    input: password,
    env: { ...cleanEnv(), DOCKER_CONFIG: dockerConfig },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`docker login ${registry} as ${username} failed: ${r.stderr}`);
}

/**
 * The stand-ins for the actions the rehearsed jobs use: the checkout is the
 * job's clone (made before the job), npm ci a link to node_modules (made with
 * the clone), nx-set-shas the given shas, setup-buildx the machine's builders,
 * login a `docker login` into the job's Docker config, and the artifacts a copy
 * through a directory of the run.
 */
export function standIns(opts: { shas: { NX_BASE: string; NX_HEAD: string }; artifacts: string }): Record<string, StandIn> {
  return {
    'actions/checkout': () => {
      // The job's clone, made before it runs (checkout()).
    },
    './.github/actions/setup': () => {
      // Node and Go are the machine's; npm ci is the node_modules link checkout() makes.
    },
    'nrwl/nx-set-shas': (_inputs, space) => Object.assign(space.env, opts.shas),
    'docker/setup-buildx-action': (_inputs, space) => prepareDockerConfig(space.dockerConfig),
    'docker/login-action': (inputs, space) => dockerLogin(space.dockerConfig, inputs['registry'] ?? '', inputs['username'] ?? '', inputs['password'] ?? ''),
    'actions/upload-artifact': (inputs, space) => {
      const to = join(opts.artifacts, inputs['name'] ?? 'artifact');
      mkdirSync(to, { recursive: true });
      for (const path of (inputs['path'] ?? '').split('\n').map((p) => p.trim()).filter(Boolean)) {
        const from = join(space.cwd, path);
        if (!existsSync(from)) throw new Error(`upload-artifact: ${from} does not exist (if-no-files-found: ${inputs['if-no-files-found'] ?? 'warn'})`);
        cpSync(from, join(to, basename(path)));
      }
    },
    'actions/download-artifact': (inputs, space) => {
      const pattern = new RegExp(`^${(inputs['pattern'] ?? '*').replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
      const to = join(space.cwd, inputs['path'] ?? '.');
      for (const name of existsSync(opts.artifacts) ? readdirSync(opts.artifacts) : []) {
        if (pattern.test(name)) cpSync(join(opts.artifacts, name), join(to, name), { recursive: true });
      }
    },
  };
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
