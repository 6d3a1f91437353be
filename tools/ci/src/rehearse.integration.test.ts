// The CI workflow, rehearsed: on a throwaway git history, the jobs of
// .github/workflows/ci.yml run step by step in the workflow's order — plan in
// its own clone, each matrix entry of the images job the event's `if:` picks
// (images for a pull request, images-main for main) in its own fresh clone,
// then the summary — with the workflow's own `if:` and `env:` expressions
// evaluated against repository settings as an administrator would set them
// (docs/ci.md, "Turning it on"): read secrets at repository level, write
// secrets in the environment `release`, which admits main only. The jobs share
// only what real jobs share: the remote cache server (go/apps/cache), two
// registries on loopback (release: `main` may write, `pull-request` only read;
// preview: `preview` may write), each Debian's registry behind an auth proxy,
// and the ledger (go/apps/api on SQLite). Every job gets a RUNNER_TEMP and a
// Docker config of its own, emptied when it ends; all jobs run as one user on
// one machine, as on a self-hosted runner.
//   npx nx run ci:rehearse
// The checks jobs (nx affected -t lint test typecheck) are not rehearsed: they
// would rerun every suite; the plan's own affected query exercises the same
// base/head logic. They are taken as passed.
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Build } from '@slipway/api-contract';
import type { PublishRecord } from '@slipway/images/src/publish/record';
import { generateSigningKeyPair } from '@slipway/images/src/supply-chain/signing';
import { attachmentTag } from '@slipway/images/src/supply-chain/tag-scheme';
import { dockerAvailable } from '@slipway/testing/src/docker-available';
import { goAvailable } from '@slipway/testing/src/go-available';
import { buildGoService, startGoService, type GoService } from '@slipway/testing/src/go-service';
import { cachedProjects, ranProjects } from '@slipway/testing/src/nx-runner';
import { copyWorkspace, workspaceRoot, type WorkspaceCopy } from '@slipway/testing/src/workspace-copy';
import { actionsCache, savedEntries } from './rehearsal/actions-cache';
import type { ProxyLogEntry } from './rehearsal/auth-proxy';
import {
  checkout,
  checkoutAgain,
  cleanEnv,
  dockerLogin,
  githubEnv,
  jobRuns,
  localCacheEntries,
  prepareDockerConfig,
  runJob,
  standIns,
  type GithubEvent,
  type JobResults,
  type JobRun,
  type RepoSettings,
  type StepRun,
} from './rehearsal/github-run';
import { manifestDigest, registryBinaryAvailable, registryState, startRegistry, type RehearsalRegistry } from './rehearsal/registries';
import { loadWorkflow, referencedNames, type Workflow } from './rehearsal/workflow';
import { readRecords } from './summary';

const stamp = `${process.pid}-${Date.now()}`;
const secret = (what: string) => `${what}-${stamp}`;
const READ_TOKEN = secret('cache-read');
const WRITE_TOKEN = secret('cache-write');
const LEDGER_TOKEN = secret('ledger');
const MAIN_PASSWORD = secret('registry-main');
const PR_PASSWORD = secret('registry-pull-request');
const PREVIEW_PASSWORD = secret('registry-preview');
const SIGNING_PASSWORD = secret('signing');
const SIGNING = generateSigningKeyPair(SIGNING_PASSWORD);
const SIGNING_SECRETS = { IMAGE_SIGNING_KEY: SIGNING.privateKey, IMAGE_SIGNING_PASSWORD: SIGNING_PASSWORD };
const NAMESPACE = `slipway-${stamp}`;
const PREVIEW_NAMESPACE = `slipway-preview-${stamp}`;

/** The result of one rehearsed workflow run. */
interface RunResult {
  /** NX_BASE of the run. */
  base: string;
  plan: JobRun;
  matrix: string[];
  /** The images job GitHub ran for the event (its `if:`), if any. */
  imagesJob?: string;
  /** The images jobs, by project. */
  jobs: Record<string, JobRun>;
  /** Their publish steps, by project. */
  entries: Record<string, StepRun>;
  /** The checkout of each images job, by project (removed after all tests). */
  checkouts: Record<string, string>;
  /** The publish records the images jobs uploaded, by project. */
  records: Record<string, PublishRecord>;
  summary: StepRun;
  /** What each registry was asked during the run, through its auth proxy. */
  requests: { release: ProxyLogEntry[]; preview: ProxyLogEntry[] };
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

const authenticated = (entries: ProxyLogEntry[]) => entries.filter((e) => e.user !== 'anonymous');
const users = (entries: ProxyLogEntry[]) => [...new Set(authenticated(entries).map((e) => e.user))].sort();

describe.skipIf(!dockerAvailable() || !goAvailable('the CI rehearsal'))('CI rehearsal', () => {
  let wf: Workflow;
  let settings: RepoSettings;
  let bin = '';
  let cache: GoService;
  let ledger: GoService;
  let release: RehearsalRegistry;
  let preview: RehearsalRegistry;
  let origin: WorkspaceCopy;
  let lastGreenMain = '';
  let planCo: { root: string; remove: () => void } | undefined;
  const started = Date.now();
  const timings: string[] = [];
  const removers: (() => void)[] = [];
  // GitHub's cache (actions/cache/restore and save), one for the whole rehearsal, scoped by branch.
  const actionsCacheDir = mkdtempSync(join(tmpdir(), 'slipway-rehearsal-actions-cache-'));
  removers.push(() => rmSync(actionsCacheDir, { recursive: true, force: true }));
  const releaseImage = () => `${release.host}/${NAMESPACE}/slipway-api`;
  const previewImage = () => `${preview.host}/${PREVIEW_NAMESPACE}/slipway-api`;
  const releaseState = () => registryState(release.backend, NAMESPACE);
  const previewState = () => registryState(preview.backend, PREVIEW_NAMESPACE);
  const releaseDigest = (ref: string) => manifestDigest(release.backend, `${NAMESPACE}/slipway-api`, ref);
  const previewDigest = (ref: string) => manifestDigest(preview.backend, `${PREVIEW_NAMESPACE}/slipway-api`, ref);
  const cacheEntries = () => readdirSync(join(cache.home, 'data')).filter((f) => !f.startsWith('.')).sort();
  const ledgerBuilds = async (image = releaseImage()): Promise<Build[]> => {
    const res = await fetch(`${ledger.url}/api/v1/images/${encodeURIComponent(image)}/builds`);
    if (res.status === 404) return [];
    return ((await res.json()) as { builds: Build[] }).builds;
  };

  /**
   * One workflow run: plan (nx-set-shas's base: the last green main run on main,
   * the merge base on a pull request), the checks jobs taken as passed, then the
   * images job whose `if:` holds, one fresh clone per matrix entry, then the
   * summary; each job with a RUNNER_TEMP and Docker config of its own.
   */
  function workflowRun(event: GithubEvent, rerunOf?: RunResult): RunResult {
    const t0 = Date.now();
    const before = { release: release.requests().length, preview: preview.requests().length };
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
    const artifacts = mkdtempSync(join(tmpdir(), 'slipway-rehearsal-artifacts-'));
    removers.push(() => rmSync(artifacts, { recursive: true, force: true }));
    const actions = { ...standIns({ shas: { NX_BASE: base, NX_HEAD: event.sha }, artifacts }), ...actionsCache(actionsCacheDir, event.branch) };
    const results: JobResults = {};
    const job = (id: string, cwd: string, matrix?: Record<string, string>) => runJob(wf, id, { event, settings, cwd, needs: results, matrix, standIns: actions });

    const plan = job('plan', planCo.root);
    results['plan'] = { result: 'success', outputs: plan.outputs };
    for (const id of ['checks', 'checks-main']) results[id] = { result: jobRuns(wf, id, event, settings, results) ? 'success' : 'skipped', outputs: {} };
    const matrix = (JSON.parse(plan.outputs['matrix'] ?? '') as { include: { project: string }[] }).include.map((e) => e.project);

    const jobs: Record<string, JobRun> = {};
    const entries: Record<string, StepRun> = {};
    const checkouts: Record<string, string> = {};
    let imagesJob: string | undefined;
    for (const id of ['images', 'images-main']) {
      if (!jobRuns(wf, id, event, settings, results)) {
        results[id] = { result: 'skipped', outputs: {} };
        continue;
      }
      imagesJob = id;
      for (const project of matrix) {
        const co = checkout(origin.root, event, `slipway-rehearsal-${project}-`);
        removers.push(co.remove);
        checkouts[project] = co.root;
        const run = job(id, co.root, { project });
        jobs[project] = run;
        entries[project] = run.steps['publish']!;
        timings.push(`  ${event.kind} ${event.sha.slice(0, 7)} ${id}(${project}): ${(entries[project].ms / 1000).toFixed(1)} s`);
      }
      results[id] = { result: 'success', outputs: {} };
    }
    if (!jobRuns(wf, 'summary', event, settings, results)) throw new Error('the summary job did not run');
    const summary = job('summary', planCo.root).steps['summary']!;
    if (event.kind === 'push' && event.branch === 'main') lastGreenMain = event.sha;
    timings.push(`${event.kind} ${event.sha.slice(0, 7)}: plan ${((plan.steps['plan']?.ms ?? 0) / 1000).toFixed(1)} s, run ${((Date.now() - t0) / 1000).toFixed(1)} s, matrix [${matrix.join(', ')}]`);
    const records = Object.fromEntries(readRecords(join(planCo.root, 'artifacts')).map((r) => [r.project, r]));
    const requests = { release: release.requests().slice(before.release), preview: preview.requests().slice(before.preview) };
    return { base, plan, matrix, imagesJob, jobs, entries, checkouts, records, summary, requests };
  }

  /** A Docker config logged in as the given users, for docker-publish run by hand. */
  function dockerConfigFor(logins: [RehearsalRegistry, string, string][]): string {
    const dir = mkdtempSync(join(tmpdir(), 'slipway-rehearsal-docker-'));
    removers.push(() => rmSync(dir, { recursive: true, force: true }));
    prepareDockerConfig(dir);
    for (const [registry, user, password] of logins) dockerLogin(dir, registry.host, user, password);
    return dir;
  }

  /** docker-publish of api, run by hand in a checkout. */
  function publishByHand(root: string, env: Record<string, string>): { status: number | null; output: string } {
    const cli = spawnSync('node', ['-r', '@swc-node/register', 'tools/images/src/cli/docker-publish.ts', '--project', 'api', '--dockerfile', 'go/Dockerfile.multi-stage', '--context', 'go', '--build-arg', 'SERVICE=api', '--budget', '20MB'], {
      cwd: root,
      env: { ...cleanEnv(), SLIPWAY_IMAGE_MODE: 'push', REGISTRY: `${release.host}/${NAMESPACE}`, ...env },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    return { status: cli.status, output: `${cli.stdout}\n${cli.stderr}` };
  }

  beforeAll(async () => {
    if (!registryBinaryAvailable()) {
      const why = "Debian's registry (docker-registry) is not on PATH: run `bash tools/image-harness/up.sh` first";
      if (process.env['CI'] === 'true') throw new Error(`the CI rehearsal cannot run under CI=true: ${why}`);
      throw new Error(why);
    }
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
    release = await startRegistry('release', { main: { password: MAIN_PASSWORD, access: 'write' }, 'pull-request': { password: PR_PASSWORD, access: 'read' } });
    preview = await startRegistry('preview', { preview: { password: PREVIEW_PASSWORD, access: 'write' } });
    settings = {
      vars: {
        REGISTRY_HOST: release.host,
        REGISTRY_NAMESPACE: NAMESPACE,
        REGISTRY_USERNAME: 'main',
        REGISTRY_READ_USERNAME: 'pull-request',
        PREVIEW_REGISTRY_HOST: preview.host,
        PREVIEW_REGISTRY_NAMESPACE: PREVIEW_NAMESPACE,
        PREVIEW_REGISTRY_USERNAME: 'preview',
        NX_CACHE_SERVER: cache.url,
        LEDGER_URL: ledger.url,
        IMAGE_SIGNING_PUBLIC_KEY: SIGNING.publicKey,
      },
      // Repository level: what a pull request may hold.
      secrets: { NX_CACHE_READ_TOKEN: READ_TOKEN, REGISTRY_READ_PASSWORD: PR_PASSWORD, PREVIEW_REGISTRY_PASSWORD: PREVIEW_PASSWORD },
      environments: { release: { branches: ['main'], secrets: { NX_CACHE_WRITE_TOKEN: WRITE_TOKEN, REGISTRY_PASSWORD: MAIN_PASSWORD, LEDGER_TOKEN, ...SIGNING_SECRETS } } },
    };
    origin = copyWorkspace('slipway-rehearsal-origin-');
  });

  afterAll(async () => {
    for (const remove of removers) remove();
    origin?.remove();
    await cache?.stop();
    await ledger?.stop();
    await release?.stop();
    await preview?.stop();
    if (bin) rmSync(bin, { recursive: true, force: true });
    console.log(`CI rehearsal: ${((Date.now() - started) / 1000).toFixed(0)} s in all\n${timings.join('\n')}`);
  });

  let first: RunResult;
  let firstSha = '';
  let builtDigest = '';
  let rerun: RunResult;
  let prReuse: RunResult;
  let prReuseSha = '';
  const serviceChange = `\n// rehearsal: a change to the service only\nvar _ = "rehearsal-${stamp}"\n`;

  it('sets every variable and secret the workflow names (else the rehearsal would run it with empty values)', () => {
    const text = readFileSync(join(workspaceRoot, '.github/workflows/ci.yml'), 'utf8');
    const secrets = [...Object.keys(settings.secrets), ...Object.values(settings.environments).flatMap((e) => Object.keys(e.secrets))];
    expect(referencedNames(text, 'vars').filter((n) => !(n in settings.vars))).toEqual([]);
    expect(referencedNames(text, 'secrets').filter((n) => !secrets.includes(n))).toEqual([]);
  });

  it('(a) a commit to main that changes only Go service code plans api alone and builds it, with the environment\'s credentials', async () => {
    appendFileSync(join(origin.root, 'go/apps/api/main.go'), serviceChange);
    firstSha = origin.commit('api: a service change');
    first = workflowRun({ kind: 'push', sha: firstSha, branch: 'main', runId: '1001' });
    expect(first.matrix).toEqual(['api']);
    expect(first.imagesJob).toBe('images-main');
    expect(first.jobs['api']?.secretNames).toEqual(expect.arrayContaining(['NX_CACHE_WRITE_TOKEN', 'REGISTRY_PASSWORD', 'LEDGER_TOKEN']));
    expect(first.entries['api']?.env).toMatchObject({ NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: WRITE_TOKEN, LEDGER_TOKEN });
    expect(ranProjects(first.entries['api']?.output ?? '')).toEqual(['api']);
    const record = first.records['api'] as PublishRecord;
    builtDigest = record.digest;
    expect(record).toMatchObject({ outcome: 'built', image: releaseImage(), gitSha: firstSha, builtFrom: firstSha });
    // Signed with the environment's key, SBOM and provenance beside it by digest, verified before the tags.
    expect(record).toMatchObject({ signed: true, verified: true, sbomDigest: expect.stringMatching(/^sha256:/) });
    expect(record.sbomPackages).toBeGreaterThan(5);
    for (const kind of ['sig', 'att', 'sbom'] as const) expect(await releaseDigest(attachmentTag(builtDigest, kind))).toMatch(/^sha256:/);
    expect(first.entries['api']?.output).toMatch(/verified .*: 1 signature and 2 attestations by the signing key/);
    expect(await releaseDigest(firstSha.slice(0, 7))).toBe(builtDigest);
    expect(await releaseDigest('main')).toBe(builtDigest);
    // Main wrote its BuildKit layers, for pull requests and later main runs on any runner.
    expect(await releaseDigest('buildcache')).toMatch(/^sha256:/);
    // And its plan job saved the graph: the project graph, the file map and the plugins'
    // caches, never Nx's task database.
    const graph = savedEntries(actionsCacheDir).find((e) => e.key.endsWith(firstSha));
    expect(graph?.branch).toBe('main');
    expect(graph?.files).toEqual(expect.arrayContaining(['project-graph.json', 'file-map.json']));
    expect(graph?.files.some((f) => f.endsWith('.hash'))).toBe(true);
    expect(graph?.files.filter((f) => /\.(db|lock)$/.test(f))).toEqual([]);
    // Only main's user spoke to the release registry; nobody to the preview one.
    expect(users(first.requests.release)).toEqual(['main']);
    expect(first.requests.preview).toEqual([]);
    // Main wrote its docker-build entry to the shared cache; its local one was its job's alone.
    expect(cacheEntries()).toContain(record.nxHash);
    expect(first.entries['api']?.localCacheEntries).toContain(record.nxHash);
    expect(sharedLocalCachesWith(record.nxHash)).toEqual([]);
    const builds = await ledgerBuilds();
    expect(builds.map((b) => [b.outcome, b.gitSha, b.digest, b.ciRunId])).toEqual([['built', firstSha, builtDigest, '1001']]);
    expect(builds[0]?.budgetBytes).toBe(20_000_000);
    expect(first.summary.summary).toContain(`| ${releaseImage()} | \`${builtDigest}\` |`);
    expect(first.summary.summary).toMatch(/\| built \| /);
  });

  it('(c) a re-run of that main run (say its first attempt failed after the build): remote-cache hit, reused, digest unchanged', async () => {
    const run = workflowRun({ kind: 'push', sha: firstSha, branch: 'main', runId: '1001', attempt: 2 }, first);
    expect(run.matrix).toEqual(['api']);
    const out = run.entries['api']?.output ?? '';
    expect(cachedProjects(out), out.slice(-3000)).toEqual(['api']);
    expect(run.records['api']).toMatchObject({ outcome: 'reused', digest: builtDigest, gitSha: firstSha, tags: [firstSha.slice(0, 7), 'main'] });
    expect((await ledgerBuilds())[0]).toMatchObject({ outcome: 'reused', gitSha: firstSha, digest: builtDigest, ciRunId: '1001-2' });
    rerun = run;
  });

  it('(b) a commit to main that touches only README plans nothing, skips the images jobs and pushes nothing', async () => {
    const releaseBefore = await releaseState();
    const entriesBefore = cacheEntries();
    const ledgerBefore = (await ledgerBuilds()).length;
    appendFileSync(join(origin.root, 'README.md'), '\nRehearsal: a documentation-only change.\n');
    const sha = origin.commit('docs: README only');
    const run = workflowRun({ kind: 'push', sha, branch: 'main', runId: '1002' });
    expect(run.plan.outputs).toMatchObject({ matrix: '{"include":[]}', 'has-images': 'false', projects: '[]' });
    expect(run.imagesJob).toBeUndefined();
    expect(run.summary.summary).toContain('nothing was built or pushed');
    expect(await releaseState()).toEqual(releaseBefore);
    expect(await previewState()).toEqual({});
    expect(cacheEntries()).toEqual(entriesBefore);
    expect(await ledgerBuilds()).toHaveLength(ledgerBefore);
  });

  it('(c) a pull request that changes only an api test and the seed generator: api is affected, but its docker-build hash is unchanged, so the plan drops it: no images job, nothing pushed or recorded', async () => {
    const releaseBefore = await releaseState();
    const entriesBefore = cacheEntries();
    const ledgerBefore = (await ledgerBuilds()).length;
    origin.git('checkout', '-q', '-b', 'feature/api-test');
    appendFileSync(join(origin.root, 'go/apps/api/run_test.go'), '\n// rehearsal: a test-only change\n');
    // A package of the api project that the service's binary does not link (only cmd/seed does).
    appendFileSync(join(origin.root, 'go/apps/api/internal/seed/history.go'), '\n// rehearsal: a change to the seed generator\n');
    const sha = origin.commit('api: a test and the seed generator');
    origin.git('checkout', '-q', 'main');
    const run = workflowRun({ kind: 'pull_request', sha, branch: 'feature/api-test', pr: 7, runId: '1003' });
    expect(run.plan.steps['plan']?.output).toMatch(/api is affected, but its docker-build hash is unchanged/);
    expect(run.plan.outputs).toMatchObject({ matrix: '{"include":[]}', 'has-images': 'false', projects: '[]' });
    expect(run.imagesJob).toBeUndefined();
    expect(await releaseState()).toEqual(releaseBefore);
    expect(await previewState()).toEqual({});
    expect(cacheEntries()).toEqual(entriesBefore);
    expect(await ledgerBuilds()).toHaveLength(ledgerBefore);
  });

  it('(c) a pull request carrying the change main already built (its branch was cut before it): with read-only credentials it reuses main\'s image, verified by digest, and changes nothing main trusts', async () => {
    const entriesBefore = cacheEntries();
    const releaseBefore = await releaseState();
    const ledgerBefore = (await ledgerBuilds()).length;
    origin.git('checkout', '-q', '-b', 'feature/same-change', `${firstSha}~1`);
    appendFileSync(join(origin.root, 'go/apps/api/main.go'), serviceChange);
    prReuseSha = origin.commit('api: the service change, on a branch of its own');
    origin.git('checkout', '-q', 'main');
    const run = workflowRun({ kind: 'pull_request', sha: prReuseSha, branch: 'feature/same-change', pr: 9, runId: '1006' });
    prReuse = run;
    // A new hash against the merge base, so planned; the hash main's first run built.
    expect(run.matrix).toEqual(['api']);
    expect(run.imagesJob).toBe('images');
    // The pull request's job holds only what a pull request may hold.
    expect(run.jobs['api']?.secretNames).toEqual(['GITHUB_TOKEN', 'NX_CACHE_READ_TOKEN', 'PREVIEW_REGISTRY_PASSWORD', 'REGISTRY_READ_PASSWORD']);
    expect(run.entries['api']?.env).toMatchObject({ NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: READ_TOKEN });
    expect(Object.keys(run.entries['api']?.env ?? {}).filter((k) => k.startsWith('LEDGER_'))).toEqual([]);
    const out = run.entries['api']?.output ?? '';
    // The same docker-build hash as main's (REGISTRY is the same; the preview registry is no input): a hit.
    expect(cachedProjects(out), out.slice(-3000)).toEqual(['api']);
    expect(ranProjects(out)).toEqual([]);
    expect(out).toMatch(/> nx run api:docker-build\s+\[remote cache\]/);
    const record = run.records['api'];
    expect(record).toMatchObject({ outcome: 'reused', image: releaseImage(), digest: builtDigest, gitSha: prReuseSha, builtFrom: firstSha, nxHash: first.records['api']?.nxHash, tags: [] });
    // Main's signature checked with the public key (a variable); no signing key in this job.
    expect(record).toMatchObject({ signed: true, verified: true });
    expect(run.entries['api']?.env?.['IMAGE_SIGNING_KEY'] ?? '').toBe('');
    expect(out).toContain(`${releaseImage()}@${builtDigest} is in the registry`);
    // It read the release registry as pull-request, and only read.
    expect(users(run.requests.release)).toEqual(['pull-request']);
    expect(authenticated(run.requests.release).every((e) => ['GET', 'HEAD'].includes(e.method) && e.status !== 403)).toBe(true);
    expect(await releaseState()).toEqual(releaseBefore);
    expect(await previewState()).toEqual({});
    expect(cacheEntries()).toEqual(entriesBefore);
    expect(await ledgerBuilds()).toHaveLength(ledgerBefore);
    expect(run.summary.summary).toContain(`reused (from ${firstSha.slice(0, 7)}) | none (verified by digest) |`);
  });

  it('the pull request\'s credentials cannot write a tag of the release namespace, and GitHub gives it no environment secrets', async () => {
    const releaseBefore = await releaseState();
    const config = dockerConfigFor([[release, 'pull-request', PR_PASSWORD]]);
    // A tag the registry does not have yet (buildx skips the write of one that already points at the digest).
    const r = spawnSync('docker', ['buildx', 'imagetools', 'create', '--prefer-index=false', '--tag', `${releaseImage()}:pr-9`, `${releaseImage()}@${builtDigest}`], {
      env: { ...cleanEnv(), DOCKER_CONFIG: config },
      encoding: 'utf8',
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/403 Forbidden|denied/);
    expect(release.requests().at(-1)).toMatchObject({ user: 'pull-request', method: 'PUT', status: 403 });
    expect(await releaseState()).toEqual(releaseBefore);
    // A pull request whose workflow names the environment anyway is refused by its branch rule.
    const pr: GithubEvent = { kind: 'pull_request', sha: prReuseSha, branch: 'feature/same-change', pr: 9, runId: '1006' };
    expect(() => runJob(wf, 'images-main', { event: pr, settings, cwd: tmpdir(), needs: {}, standIns: {} })).toThrow(/"refs\/pull\/9\/merge" is not allowed to deploy to release due to environment protection rules/);
  });

  it('a cache hit whose image is gone from the registry is rebuilt (Nx cache skipped), not trusted', async () => {
    const root = rerun.checkouts['api'] ?? '';
    const mainPush: GithubEvent = { kind: 'push', sha: firstSha, branch: 'main', runId: '1001', attempt: 3 };
    const file = join(root, 'dist/images/api/metadata.json');
    const gone = `sha256:${'0'.repeat(64)}`;
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), digest: gone }));
    const config = dockerConfigFor([[release, 'main', MAIN_PASSWORD]]);
    const { status, output } = publishByHand(root, { ...githubEnv(mainPush), ...SIGNING_SECRETS, IMAGE_SIGNING_PUBLIC_KEY: SIGNING.publicKey, DOCKER_CONFIG: config, LEDGER_URL: ledger.url, LEDGER_TOKEN, SLIPWAY_CI_RUN_ID: '1001-3' });
    expect(status, output.slice(-4000)).toBe(0);
    expect(output).toContain(`${releaseImage()}@${gone} is not in the registry`);
    const record = readRecords(join(root, 'dist/images'))[0];
    expect(record).toMatchObject({ project: 'api', image: releaseImage(), outcome: 'built', rebuilt: true, gitSha: firstSha });
    expect(record?.digest).toMatch(/^sha256:(?!0{64})[0-9a-f]{64}$/);
    expect(record).toMatchObject({ signed: true, verified: true });
    expect(await releaseDigest(record?.digest ?? '')).toBe(record?.digest);
    expect(await releaseDigest(firstSha.slice(0, 7))).toBe(record?.digest);
    expect((await ledgerBuilds())[0]).toMatchObject({ outcome: 'built', digest: record?.digest, ciRunId: '1001-3' });
  });

  it('a tampered image (another digest in release, never signed) named by the cache is refused, and no tag moves', async () => {
    const root = rerun.checkouts['api'] ?? '';
    const mainPush: GithubEvent = { kind: 'push', sha: firstSha, branch: 'main', runId: '1001', attempt: 4 };
    const file = join(root, 'dist/images/api/metadata.json');
    const meta = JSON.parse(readFileSync(file, 'utf8')) as { digest: string };
    // Someone with write access pushes another manifest (same layers, one annotation more) beside the real one.
    const repo = `${NAMESPACE}/slipway-api`;
    const real = await fetch(`http://${release.backend}/v2/${repo}/manifests/${meta.digest}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json' } });
    const mediaType = real.headers.get('content-type') ?? '';
    const manifest = { ...((await real.json()) as object), annotations: { 'org.example.tampered': 'yes' } };
    const put = await fetch(`http://${release.backend}/v2/${repo}/manifests/tampered`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body: JSON.stringify(manifest) });
    expect(put.status).toBe(201);
    const tampered = put.headers.get('docker-content-digest') ?? '';
    expect(tampered).not.toBe(meta.digest);
    // Its signature: the real digest's, copied beside it.
    const sig = await fetch(`http://${release.backend}/v2/${repo}/manifests/${attachmentTag(meta.digest, 'sig')}`, { headers: { Accept: 'application/vnd.oci.image.manifest.v1+json' } });
    const copied = await fetch(`http://${release.backend}/v2/${repo}/manifests/${attachmentTag(tampered, 'sig')}`, { method: 'PUT', headers: { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }, body: Buffer.from(await sig.arrayBuffer()) });
    expect(copied.status).toBe(201);
    writeFileSync(file, JSON.stringify({ ...meta, digest: tampered }));
    const releaseBefore = await releaseState();
    const ledgerBefore = (await ledgerBuilds()).length;
    const config = dockerConfigFor([[release, 'main', MAIN_PASSWORD]]);
    const { status, output } = publishByHand(root, { ...githubEnv(mainPush), ...SIGNING_SECRETS, IMAGE_SIGNING_PUBLIC_KEY: SIGNING.publicKey, DOCKER_CONFIG: config, LEDGER_URL: ledger.url, LEDGER_TOKEN });
    expect(status, output.slice(-4000)).toBe(1);
    expect(output).toContain(`refusing to tag ${releaseImage()}@${tampered}`);
    expect(output).toContain(`a valid signature is for ${meta.digest}, not ${tampered}`);
    expect(await releaseState()).toEqual(releaseBefore);
    expect(await ledgerBuilds()).toHaveLength(ledgerBefore);
    writeFileSync(file, JSON.stringify(meta));
  });

  it('in a pull request, a cache hit whose image is gone from the release registry is rebuilt into the preview namespace', async () => {
    const releaseBefore = await releaseState();
    const ledgerBefore = (await ledgerBuilds()).length;
    const root = prReuse.checkouts['api'] ?? '';
    const pr: GithubEvent = { kind: 'pull_request', sha: prReuseSha, branch: 'feature/same-change', pr: 9, runId: '1006', attempt: 2 };
    const file = join(root, 'dist/images/api/metadata.json');
    const gone = `sha256:${'0'.repeat(64)}`;
    writeFileSync(file, JSON.stringify({ ...(JSON.parse(readFileSync(file, 'utf8')) as object), digest: gone }));
    const config = dockerConfigFor([
      [release, 'pull-request', PR_PASSWORD],
      [preview, 'preview', PREVIEW_PASSWORD],
    ]);
    const { status, output } = publishByHand(root, { ...githubEnv(pr), DOCKER_CONFIG: config, SLIPWAY_PREVIEW_REGISTRY: `${preview.host}/${PREVIEW_NAMESPACE}` });
    expect(status, output.slice(-4000)).toBe(0);
    expect(output).toContain(`${releaseImage()}@${gone} is not in the registry`);
    const record = readRecords(join(root, 'dist/images'))[0];
    expect(record).toMatchObject({ image: previewImage(), outcome: 'built', rebuilt: true, gitSha: prReuseSha, tags: expect.arrayContaining([prReuseSha.slice(0, 7), 'pr-9']) });
    expect(await previewDigest('pr-9')).toBe(record?.digest);
    expect(await previewDigest(prReuseSha.slice(0, 7))).toBe(record?.digest);
    expect(await releaseState()).toEqual(releaseBefore);
    expect(await ledgerBuilds()).toHaveLength(ledgerBefore);
  });

  it('(d) a pull request that changes the image builds it into the preview namespace; main, same machine, same user, then builds its own', async () => {
    const entriesBefore = cacheEntries();
    const releaseBefore = await releaseState();
    const layerCacheBefore = await releaseDigest('buildcache');
    origin.git('checkout', '-q', '-b', 'feature/api-change');
    // A comment: a new docker-build hash, and a quick build (one package recompiles).
    appendFileSync(join(origin.root, 'go/apps/api/main.go'), '\n// rehearsal: a pull request that changes the image\n');
    const sha = origin.commit('api: a change from a pull request');
    origin.git('checkout', '-q', 'main');
    const pr = workflowRun({ kind: 'pull_request', sha, branch: 'feature/api-change', pr: 8, runId: '1004' });
    const prOut = pr.entries['api']?.output ?? '';
    expect(ranProjects(prOut), prOut.slice(-3000)).toEqual(['api']);
    const prRecord = pr.records['api'];
    expect(prRecord).toMatchObject({ outcome: 'built', image: previewImage(), gitSha: sha, tags: expect.arrayContaining([sha.slice(0, 7), 'pr-8']) });
    expect(await previewDigest('pr-8')).toBe(prRecord?.digest);
    expect(users(pr.requests.preview)).toEqual(['preview']);
    expect(await releaseState()).toEqual(releaseBefore);
    // It read main's layer cache and wrote none: not main's, not one of its own.
    expect(prOut).toContain(`importing cache manifest from ${release.host}/${NAMESPACE}/slipway-api:buildcache`);
    expect(prOut).not.toMatch(/exporting cache to registry/);
    expect(await releaseDigest('buildcache')).toBe(layerCacheBefore);
    expect(await previewDigest('buildcache')).toMatch(/^missing/);
    // Its jobs restored main's graph and saved none of their own.
    expect(pr.jobs['api']?.log).toContain('actions/cache/restore@27d5ce7f107fe9357f9df03efb73ab90386fccae: ran');
    expect(savedEntries(actionsCacheDir).map((e) => e.branch)).not.toContain('feature/api-change');
    const hash = prRecord?.nxHash ?? '';
    // The pull request's entry was in its job's local cache, gone with its RUNNER_TEMP; none
    // in the per-user cache all checkouts would share, none in the remote cache (read-only).
    expect(pr.entries['api']?.localCacheEntries).toContain(hash);
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
    const mainRecord = main.records['api'];
    expect(mainRecord).toMatchObject({ outcome: 'built', image: releaseImage(), gitSha: sha, builtFrom: sha, tags: expect.arrayContaining([sha.slice(0, 7), 'main']) });
    expect(await releaseDigest('main')).toBe(mainRecord?.digest);
    // The same commit gives the same digest: the preview build was exactly what main ships.
    expect(mainRecord?.digest).toBe(prRecord?.digest);
    // What main built is what the remote cache now has, and its layers are the layer cache.
    expect(cacheEntries()).toContain(hash);
    expect(mainOut).toMatch(/exporting cache to registry/);
    expect(await releaseDigest('buildcache')).not.toBe(layerCacheBefore);
  });
});
