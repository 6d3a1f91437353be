// The CI workflow, rehearsed: on a throwaway git history, the `run:` scripts of
// .github/workflows/ci.yml run in the workflow's order — plan in its own clone,
// each matrix entry in its own fresh clone, then the summary — sharing only
// what real jobs share: the remote cache server (go/apps/cache, read-write
// token for main, read-only for pull requests), the registry (127.0.0.1:5000,
// from tools/image-harness) and the ledger (go/apps/api on SQLite). Every job
// gets a RUNNER_TEMP of its own, emptied when it ends, and Nx's local cache is
// wherever the workflow puts it; all jobs run as one user on one machine, as on
// a self-hosted runner.
//   npx nx run ci:rehearse
// The affected lint/test/typecheck step is not rehearsed (it is `nx affected`,
// which the plan's own affected query exercises, and would rerun every suite).
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Build } from '@slipway/api-contract';
import type { PublishRecord } from '@slipway/images/src/publish/record';
import { dockerAvailable } from '@slipway/testing/src/docker-available';
import { goAvailable } from '@slipway/testing/src/go-available';
import { buildGoService, startGoService, type GoService } from '@slipway/testing/src/go-service';
import { cachedProjects, ranProjects } from '@slipway/testing/src/nx-runner';
import { copyWorkspace, workspaceRoot, type WorkspaceCopy } from '@slipway/testing/src/workspace-copy';
import {
  checkout,
  checkoutAgain,
  cleanEnv,
  collectArtifact,
  githubEnv,
  localCacheEntries,
  runnerTemp,
  runStep,
  type GithubEvent,
  type StepRun,
} from './rehearsal/github-run';
import { loadWorkflow, type Workflow } from './rehearsal/workflow';
import { readRecords } from './summary';

const stamp = `${process.pid}-${Date.now()}`;
const READ_TOKEN = `cache-read-${stamp}`;
const WRITE_TOKEN = `cache-write-${stamp}`;
const LEDGER_TOKEN = `ledger-${stamp}`;
const REGISTRY = `127.0.0.1:5000/slipway-rehearsal-${stamp}`;
const API_IMAGE = `${REGISTRY}/slipway-api`;

/** The result of one rehearsed workflow run. */
interface RunResult {
  /** NX_BASE of the run. */
  base: string;
  plan: StepRun;
  matrix: string[];
  entries: Record<string, StepRun>;
  /** The checkout of each images job, by project (removed after all tests). */
  checkouts: Record<string, string>;
  /** The publish records the images jobs uploaded, by project. */
  records: Record<string, PublishRecord>;
  /** The local Nx cache entries each images job had when it ended (then its RUNNER_TEMP was emptied), by project. */
  localEntries: Record<string, string[]>;
  summary: StepRun;
}

async function registryTags(repo: string): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:5000/v2/${repo.replace(/^127\.0\.0\.1:5000\//, '')}/tags/list`);
  if (res.status === 404) return [];
  const body = (await res.json()) as { tags?: string[] | null };
  return (body.tags ?? []).sort();
}

/** Every repository of this rehearsal's namespace with its tags. */
async function registrySnapshot(): Promise<Record<string, string[]>> {
  const ns = REGISTRY.replace(/^127\.0\.0\.1:5000\//, '');
  const catalog = (await (await fetch('http://127.0.0.1:5000/v2/_catalog?n=1000')).json()) as { repositories: string[] };
  const out: Record<string, string[]> = {};
  for (const repo of catalog.repositories.filter((r) => r.startsWith(`${ns}/`))) out[repo] = await registryTags(repo);
  return out;
}

/** The manifest digest a registry reference (`repo:tag` or `repo@digest`) resolves to, straight from the registry API. */
async function manifestDigest(ref: string): Promise<string> {
  const path = ref.replace(/^127\.0\.0\.1:5000\//, '');
  const at = path.indexOf('@');
  const [repo, reference] = at >= 0 ? [path.slice(0, at), path.slice(at + 1)] : [path.slice(0, path.lastIndexOf(':')), path.slice(path.lastIndexOf(':') + 1)];
  const res = await fetch(`http://127.0.0.1:5000/v2/${repo}/manifests/${reference}`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' },
  });
  return res.headers.get('docker-content-digest') ?? `missing (${res.status})`;
}

/** The per-user local caches Nx 23 shares between checkouts of one repository (~/.nx/<workspace id>/cache) that hold this hash. */
function sharedLocalCachesWith(hash: string): string[] {
  const root = join(homedir(), '.nx');
  let ids: string[] = [];
  try {
    ids = readdirSync(root);
  } catch {
    return [];
  }
  return ids.map((id) => join(root, id, 'cache')).filter((dir) => localCacheEntries(dir).includes(hash));
}

describe.skipIf(!dockerAvailable() || !goAvailable('the CI rehearsal'))('CI rehearsal', () => {
  let wf: Workflow;
  let bin = '';
  let cache: GoService;
  let ledger: GoService;
  let origin: WorkspaceCopy;
  let lastGreenMain = '';
  let planCo: { root: string; remove: () => void } | undefined;
  const started = Date.now();
  const timings: string[] = [];
  const removers: (() => void)[] = [];
  const cacheEntries = () => readdirSync(join(cache.home, 'data')).filter((f) => !f.startsWith('.')).sort();
  const ledgerBuilds = async (): Promise<Build[]> => {
    const res = await fetch(`${ledger.url}/api/v1/images/${encodeURIComponent(API_IMAGE)}/builds`);
    if (res.status === 404) return [];
    return ((await res.json()) as { builds: Build[] }).builds;
  };

  /**
   * One workflow run: nx-set-shas's base (the last green main run on main, the
   * merge base on a pull request), the plan step, then every matrix entry in a
   * fresh clone with its own artifact, then the summary step; each job with a
   * RUNNER_TEMP of its own, emptied when it ends.
   */
  function workflowRun(event: GithubEvent, rerunOf?: RunResult): RunResult {
    const t0 = Date.now();
    // A re-run keeps the shas its first attempt had.
    const base =
      rerunOf?.base ?? (event.kind === 'push' ? lastGreenMain || origin.git('rev-parse', `${event.sha}~1`) : origin.git('merge-base', 'main', event.sha));
    // The plan (and summary) checkout is kept from run to run, which saves a clone (Nx's
    // workspace data is in each job's RUNNER_TEMP); every images job below gets a fresh clone.
    if (planCo) checkoutAgain(planCo.root, event);
    else {
      planCo = checkout(origin.root, event, 'slipway-rehearsal-plan-');
      removers.push(planCo.remove);
    }
    const planTemp = runnerTemp('slipway-rehearsal-plan-temp-');
    const plan = runStep(wf, 'plan', 'plan', { cwd: planCo.root, event, runnerTemp: planTemp.dir, values: {}, jobEnv: { NX_BASE: base, NX_HEAD: event.sha } });
    planTemp.end();
    if (plan.status !== 0) throw new Error(`plan failed:\n${plan.output.slice(-4000)}`);
    const matrix = (JSON.parse(plan.outputs['matrix'] ?? '') as { include: { project: string }[] }).include.map((e) => e.project);
    // download-artifact's path in the summary job (which runs in the plan checkout here).
    const artifacts = join(planCo.root, 'artifacts');
    const entries: Record<string, StepRun> = {};
    const checkouts: Record<string, string> = {};
    const localEntries: Record<string, string[]> = {};
    // The images job's `if`: no affected image, no job.
    if (plan.outputs['has-images'] === 'true') {
      for (const project of matrix) {
        const co = checkout(origin.root, event, `slipway-rehearsal-${project}-`);
        removers.push(co.remove);
        checkouts[project] = co.root;
        const isMain = event.kind === 'push' && event.branch === 'main';
        const temp = runnerTemp(`slipway-rehearsal-${project}-temp-`);
        entries[project] = runStep(wf, 'images', 'publish', {
          cwd: co.root,
          event,
          runnerTemp: temp.dir,
          values: {
            PROJECT: project,
            SLIPWAY_IMAGE_MODE: 'push',
            REGISTRY,
            IMAGE_SOURCE_URL: 'https://github.com/slipway/slipway',
            NX_SELF_HOSTED_REMOTE_CACHE_SERVER: cache.url,
            NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: isMain ? WRITE_TOKEN : READ_TOKEN,
            LEDGER_URL: ledger.url,
            LEDGER_TOKEN,
          },
        });
        const entry = entries[project];
        localEntries[project] = entry?.nxCacheDirectory ? localCacheEntries(entry.nxCacheDirectory) : [];
        temp.end();
        if (entry?.status !== 0) throw new Error(`images (${project}) failed:\n${entry?.output.slice(-6000)}`);
        collectArtifact(co.root, project, artifacts);
        timings.push(`  ${event.kind} ${event.sha.slice(0, 7)} images(${project}): ${(entry.ms / 1000).toFixed(1)} s`);
      }
    }
    // The summary step's PLANNED: the plan's projects, or [] when the images job was skipped.
    const planned = Object.keys(entries).length ? (plan.outputs['projects'] ?? '[]') : '[]';
    const summaryTemp = runnerTemp('slipway-rehearsal-summary-temp-');
    const summary = runStep(wf, 'summary', 'summary', { cwd: planCo.root, event, runnerTemp: summaryTemp.dir, values: { PLANNED: planned } });
    summaryTemp.end();
    if (summary.status !== 0) throw new Error(`summary failed:\n${summary.output.slice(-4000)}`);
    if (event.kind === 'push' && event.branch === 'main') lastGreenMain = event.sha;
    timings.push(`${event.kind} ${event.sha.slice(0, 7)}: plan ${(plan.ms / 1000).toFixed(1)} s, run ${((Date.now() - t0) / 1000).toFixed(1)} s, matrix [${matrix.join(', ')}]`);
    const records = Object.fromEntries(readRecords(artifacts).map((r) => [r.project, r]));
    return { base, plan, matrix, entries, checkouts, records, localEntries, summary };
  }

  beforeAll(async () => {
    wf = loadWorkflow(join(workspaceRoot, '.github/workflows/ci.yml'));
    bin = mkdtempSync(join(tmpdir(), 'slipway-rehearsal-bin-'));
    const cacheBin = buildGoService('cache', bin);
    const apiBin = buildGoService('api', bin);
    cache = await startGoService(cacheBin, (home) => ({
      CACHE_ADDR: '127.0.0.1:0',
      CACHE_DIR: join(home, 'data'),
      CACHE_READ_TOKENS: READ_TOKEN,
      CACHE_WRITE_TOKENS: WRITE_TOKEN,
    }));
    ledger = await startGoService(apiBin, (home) => ({ API_ADDR: '127.0.0.1:0', API_DATA_DIR: join(home, 'data'), API_WRITE_TOKENS: LEDGER_TOKEN }));
    origin = copyWorkspace('slipway-rehearsal-origin-');
  });

  afterAll(async () => {
    for (const remove of removers) remove();
    origin?.remove();
    await cache?.stop();
    await ledger?.stop();
    if (bin) rmSync(bin, { recursive: true, force: true });
    console.log(`CI rehearsal: ${((Date.now() - started) / 1000).toFixed(0)} s in all\n${timings.join('\n')}`);
  });

  let first: RunResult;
  let firstSha = '';
  let builtDigest = '';
  let rerun: RunResult;

  it('(a) a commit to main that changes only Go service code plans api alone and builds it', async () => {
    appendFileSync(join(origin.root, 'go/apps/api/main.go'), `\n// rehearsal: a change to the service only\nvar _ = "rehearsal-${stamp}"\n`);
    firstSha = origin.commit('api: a service change');
    first = workflowRun({ kind: 'push', sha: firstSha, branch: 'main', runId: '1001' });
    expect(first.matrix).toEqual(['api']);
    expect(first.matrix).not.toContain('web');
    expect(ranProjects(first.entries['api']?.output ?? '')).toEqual(['api']);
    const record = first.records['api'] as PublishRecord;
    builtDigest = record.digest;
    expect(record).toMatchObject({ outcome: 'built', gitSha: firstSha, builtFrom: firstSha });
    expect(await manifestDigest(`${API_IMAGE}:${firstSha.slice(0, 7)}`)).toBe(builtDigest);
    expect(await manifestDigest(`${API_IMAGE}:main`)).toBe(builtDigest);
    // Main wrote its docker-build entry to the shared cache; its local one was its job's alone.
    expect(cacheEntries()).toContain(record.nxHash);
    expect(first.localEntries['api']).toContain(record.nxHash);
    expect(sharedLocalCachesWith(record.nxHash)).toEqual([]);
    const builds = await ledgerBuilds();
    expect(builds.map((b) => [b.outcome, b.gitSha, b.digest, b.ciRunId])).toEqual([['built', firstSha, builtDigest, '1001']]);
    expect(builds[0]?.budgetBytes).toBe(20_000_000);
    expect(first.summary.summary).toContain(`| ${API_IMAGE} | \`${builtDigest}\` |`);
    expect(first.summary.summary).toMatch(/\| built \| /);
  });

  it('(c) a re-run of that main run (say its first attempt failed after the build): remote-cache hit, reused, digest unchanged', async () => {
    const run = workflowRun({ kind: 'push', sha: firstSha, branch: 'main', runId: '1001', attempt: 2 }, first);
    expect(run.matrix).toEqual(['api']);
    const out = run.entries['api']?.output ?? '';
    expect(cachedProjects(out), out.slice(-3000)).toEqual(['api']);
    const record = run.records['api'];
    expect(record).toMatchObject({ outcome: 'reused', digest: builtDigest, gitSha: firstSha });
    expect((await ledgerBuilds())[0]).toMatchObject({ outcome: 'reused', gitSha: firstSha, digest: builtDigest, ciRunId: '1001-2' });
    rerun = run;
  });

  it('(b) a commit to main that touches only README plans nothing, skips the images job and pushes nothing', async () => {
    const registryBefore = await registrySnapshot();
    const entriesBefore = cacheEntries();
    const ledgerBefore = (await ledgerBuilds()).length;
    appendFileSync(join(origin.root, 'README.md'), '\nRehearsal: a documentation-only change.\n');
    const sha = origin.commit('docs: README only');
    const run = workflowRun({ kind: 'push', sha, branch: 'main', runId: '1002' });
    expect(run.plan.outputs).toMatchObject({ matrix: '{"include":[]}', 'has-images': 'false', projects: '[]' });
    expect(run.entries).toEqual({});
    expect(run.summary.summary).toContain('nothing was built or pushed');
    expect(await registrySnapshot()).toEqual(registryBefore);
    expect(cacheEntries()).toEqual(entriesBefore);
    expect(await ledgerBuilds()).toHaveLength(ledgerBefore);
  });

  it('(c) a pull request that changes only an api test and the seed generator: api is affected, but its docker-build hash is unchanged, so the plan drops it: no images job, nothing pushed or recorded', async () => {
    const registryBefore = await registrySnapshot();
    const entriesBefore = cacheEntries();
    const ledgerBefore = (await ledgerBuilds()).length;
    origin.git('checkout', '-q', '-b', 'feature/api-test');
    appendFileSync(join(origin.root, 'go/apps/api/run_test.go'), '\n// rehearsal: a test-only change\n');
    // A package of the api project that the service's binary does not link (only cmd/seed does).
    appendFileSync(join(origin.root, 'go/apps/api/internal/seed/history.go'), '\n// rehearsal: a change to the seed generator\n');
    const sha = origin.commit('api: a test and the seed generator');
    origin.git('checkout', '-q', 'main');
    const run = workflowRun({ kind: 'pull_request', sha, branch: 'feature/api-test', pr: 7, runId: '1003' });
    expect(run.plan.output).toMatch(/api is affected, but its docker-build hash is unchanged/);
    expect(run.plan.outputs).toMatchObject({ matrix: '{"include":[]}', 'has-images': 'false', projects: '[]' });
    expect(run.entries).toEqual({});
    expect(await registrySnapshot()).toEqual(registryBefore);
    expect(cacheEntries()).toEqual(entriesBefore);
    expect(await ledgerBuilds()).toHaveLength(ledgerBefore);
  });

  it('a cache hit whose image is gone from the registry is rebuilt (Nx cache skipped), not trusted', async () => {
    const root = rerun.checkouts['api'] ?? '';
    const mainPush: GithubEvent = { kind: 'push', sha: firstSha, branch: 'main', runId: '1001', attempt: 3 };
    const file = join(root, 'dist/images/api/metadata.json');
    const gone = `sha256:${'0'.repeat(64)}`;
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), digest: gone }));
    const cli = spawnSync('node', ['-r', '@swc-node/register', 'tools/images/src/cli/docker-publish.ts', '--project', 'api', '--dockerfile', 'go/Dockerfile.multi-stage', '--context', 'go', '--build-arg', 'SERVICE=api', '--budget', '20MB'], {
      cwd: root,
      env: { ...cleanEnv(), ...githubEnv(mainPush), SLIPWAY_IMAGE_MODE: 'push', REGISTRY, LEDGER_URL: ledger.url, LEDGER_TOKEN, SLIPWAY_CI_RUN_ID: '1001-3' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${cli.stdout}\n${cli.stderr}`;
    expect(cli.status, output.slice(-4000)).toBe(0);
    expect(output).toContain(`${API_IMAGE}@${gone} is not in the registry`);
    const record = readRecords(join(root, 'dist/images'))[0];
    expect(record).toMatchObject({ project: 'api', outcome: 'built', rebuilt: true, gitSha: firstSha });
    expect(record?.digest).toMatch(/^sha256:(?!0{64})[0-9a-f]{64}$/);
    expect(await manifestDigest(`${API_IMAGE}@${record?.digest}`)).toBe(record?.digest);
    expect(await manifestDigest(`${API_IMAGE}:${firstSha.slice(0, 7)}`)).toBe(record?.digest);
    expect((await ledgerBuilds())[0]).toMatchObject({ outcome: 'built', digest: record?.digest, ciRunId: '1001-3' });
  });

  it('(d) a pull request job, then a main job on the same machine as the same user: main does not take the pull request\'s entry, it builds its own', async () => {
    const entriesBefore = cacheEntries();
    origin.git('checkout', '-q', '-b', 'feature/api-change');
    // A comment: a new docker-build hash, and a quick build (one package recompiles).
    appendFileSync(join(origin.root, 'go/apps/api/main.go'), '\n// rehearsal: a pull request that changes the image\n');
    const sha = origin.commit('api: a change from a pull request');
    origin.git('checkout', '-q', 'main');
    const pr = workflowRun({ kind: 'pull_request', sha, branch: 'feature/api-change', pr: 8, runId: '1004' });
    const prOut = pr.entries['api']?.output ?? '';
    expect(ranProjects(prOut), prOut.slice(-3000)).toEqual(['api']);
    expect(pr.records['api']).toMatchObject({ outcome: 'built', gitSha: sha, tags: expect.arrayContaining([sha.slice(0, 7), 'pr-8']) });
    const hash = pr.records['api']?.nxHash ?? '';
    // The pull request's entry was in its job's local cache, gone with its RUNNER_TEMP; none
    // in the per-user cache all checkouts would share, none in the remote cache (read-only).
    expect(pr.localEntries['api']).toContain(hash);
    expect(sharedLocalCachesWith(hash)).toEqual([]);
    expect(entriesBefore).not.toContain(hash);
    expect(cacheEntries()).toEqual(entriesBefore);

    // Merged as it is (fast-forward): main builds the same tree, so the same docker-build task.
    origin.git('merge', '-q', '--ff-only', 'feature/api-change');
    const main = workflowRun({ kind: 'push', sha, branch: 'main', runId: '1005' });
    const mainOut = main.entries['api']?.output ?? '';
    expect(main.records['api']?.nxHash).toBe(hash);
    expect(cachedProjects(mainOut), mainOut.slice(-3000)).toEqual([]);
    expect(ranProjects(mainOut)).toEqual(['api']);
    expect(main.records['api']).toMatchObject({ outcome: 'built', gitSha: sha, builtFrom: sha, tags: expect.arrayContaining([sha.slice(0, 7), 'main']) });
    // What main built is what the remote cache now has.
    expect(cacheEntries()).toContain(hash);
  });

});
