// Checks of the workflow's shape that a rehearsal cannot run: triggers, the
// split between pull-request and main jobs (which credentials each gets, and
// that both publish to the same REGISTRY), the empty-matrix guard, actions
// pinned by commit (in the workflow and the local setup action), that the
// registry comes from repository settings, and each job's own local Nx cache.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';
import { environmentOf, jobRuns, jobSecrets, type GithubEvent, type JobResults, type RepoSettings } from './github-run';
import { loadAction, loadWorkflow, referencedNames, stepById, workflowEnv, type Workflow, type WorkflowStep } from './workflow';

const workflowPath = join(workspaceRoot, '.github/workflows/ci.yml');
const actionPath = join(workspaceRoot, '.github/actions/setup/action.yml');
const wf: Workflow = loadWorkflow(workflowPath);
const setup = loadAction(actionPath);
const workflowText = readFileSync(workflowPath, 'utf8');
const actionText = readFileSync(actionPath, 'utf8');
const workflowSteps = Object.values(wf.jobs).flatMap((j) => j.steps);
const allSteps: WorkflowStep[] = [...workflowSteps, ...setup.runs.steps];
const loginOf = (job: string) => wf.jobs[job]?.steps.filter((s) => s.uses?.startsWith('docker/login-action@')) ?? [];
const withoutKeys = (o: Record<string, string> | undefined, keys: string[]) => Object.fromEntries(Object.entries(o ?? {}).filter(([k]) => !keys.includes(k)));

const push: GithubEvent = { kind: 'push', sha: 'a'.repeat(40), branch: 'main', runId: '1' };
const pr: GithubEvent = { kind: 'pull_request', sha: 'b'.repeat(40), branch: 'feature/x', pr: 7, runId: '2' };
const settings: RepoSettings = {
  vars: { REGISTRY_HOST: 'reg.example', PREVIEW_REGISTRY_HOST: 'reg.example' },
  secrets: { NX_CACHE_READ_TOKEN: 'r' },
  environments: { release: { branches: ['main'], secrets: { NX_CACHE_WRITE_TOKEN: 'w' } } },
};

describe('the CI workflow', () => {
  it('runs on pull requests and on pushes to main', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(wf.on['push']).toEqual({ branches: ['main'] });
  });

  it('plans from full history with nx-set-shas, and holds no secret while it does', () => {
    const steps = wf.jobs['plan']?.steps ?? [];
    expect(steps[0]).toMatchObject({ uses: expect.stringMatching(/^actions\/checkout@/), with: { 'fetch-depth': 0 } });
    const order = ['./.github/actions/setup', 'nrwl/nx-set-shas', 'plan'].map((key) => steps.findIndex((s) => s.uses?.startsWith(key) || s.id === key));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(wf.jobs['plan']?.outputs).toMatchObject({ matrix: '${{ steps.plan.outputs.matrix }}', 'has-images': '${{ steps.plan.outputs.has-images }}' });
    expect(JSON.stringify(wf.jobs['plan'])).not.toMatch(/secrets\./);
  });

  it('runs checks and images for a pull request, checks-main and images-main (environment release) for main', () => {
    const done: JobResults = { plan: { result: 'success', outputs: { 'has-images': 'true' } } };
    const runs = (event: GithubEvent) => {
      const results: JobResults = { ...done };
      for (const id of ['checks', 'checks-main', 'images', 'images-main']) {
        results[id] = { result: jobRuns(wf, id, event, settings, results) ? 'success' : 'skipped', outputs: {} };
      }
      return Object.entries(results).filter(([, r]) => r.result === 'success').map(([id]) => id);
    };
    expect(runs(pr)).toEqual(['plan', 'checks', 'images']);
    expect(runs(push)).toEqual(['plan', 'checks-main', 'images-main']);
    expect(runs({ ...push, branch: 'release/1' })).toEqual(['plan']);
    for (const id of ['checks-main', 'images-main']) expect(environmentOf(wf.jobs[id]!)).toBe('release');
    for (const id of ['plan', 'checks', 'images', 'summary']) expect(environmentOf(wf.jobs[id]!)).toBeUndefined();
  });

  it('builds no image for a fork\'s pull request (it gets no secrets) nor when no image is affected', () => {
    const results: JobResults = { plan: { result: 'success', outputs: { 'has-images': 'true' } }, checks: { result: 'success', outputs: {} } };
    expect(jobRuns(wf, 'images', pr, settings, results)).toBe(true);
    expect(jobRuns(wf, 'images', pr, settings, { ...results, plan: { result: 'success', outputs: { 'has-images': 'false' } } })).toBe(false);
    expect(wf.jobs['images']?.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
    expect(wf.jobs['images']?.needs).toEqual(['plan', 'checks']);
    expect(wf.jobs['images-main']?.needs).toEqual(['plan', 'checks-main']);
    for (const id of ['images', 'images-main']) expect(wf.jobs[id]?.strategy?.matrix).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
  });

  it('gives a job the environment\'s secrets only on main: GitHub refuses a pull request that names it', () => {
    expect(jobSecrets(settings, 'images-main', wf.jobs['images-main']!, push)).toMatchObject({ NX_CACHE_WRITE_TOKEN: 'w', NX_CACHE_READ_TOKEN: 'r' });
    expect(jobSecrets(settings, 'images', wf.jobs['images']!, pr)).not.toHaveProperty('NX_CACHE_WRITE_TOKEN');
    expect(() => jobSecrets(settings, 'images-main', wf.jobs['images-main']!, pr)).toThrow(/"refs\/pull\/7\/merge" is not allowed to deploy to release/);
    expect(() => jobSecrets(settings, 'images-main', wf.jobs['images-main']!, { ...push, branch: 'main-copy' })).toThrow(/not allowed to deploy/);
  });

  it('runs the same checks for a pull request and for main, with the read and the write cache token', () => {
    const checks = stepById(wf, 'checks', 'checks');
    const checksMain = stepById(wf, 'checks-main', 'checks');
    expect(checks.run).toBe('bash tools/ci/scripts/affected-checks.sh');
    expect(checksMain.run).toBe(checks.run);
    expect(readFileSync(join(workspaceRoot, 'tools/ci/scripts/affected-checks.sh'), 'utf8')).toContain('nx affected -t lint test typecheck');
    expect(checks.env?.['NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN']).toBe('${{ secrets.NX_CACHE_READ_TOKEN }}');
    expect(checksMain.env?.['NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN']).toBe('${{ secrets.NX_CACHE_WRITE_TOKEN }}');
    const token = ['NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN'];
    expect(withoutKeys(checksMain.env, token)).toEqual(withoutKeys(checks.env, token));
    // Same steps apart from comments: the actions and their inputs match.
    const shape = (job: string) => wf.jobs[job]?.steps.map((s) => [s.uses, s.id, JSON.stringify(s.with ?? {})]);
    expect(shape('checks-main')).toEqual(shape('checks'));
  });

  it('publishes to the same REGISTRY from both images jobs (the docker-build hash), with the credentials of each', () => {
    const prPublish = stepById(wf, 'images', 'publish');
    const mainPublish = stepById(wf, 'images-main', 'publish');
    expect(prPublish.run).toContain('nx run "$PROJECT:docker-publish"');
    expect(mainPublish.run).toBe(prPublish.run);
    for (const s of [prPublish, mainPublish]) expect(s.env?.['REGISTRY']).toBe('${{ vars.REGISTRY_HOST }}/${{ vars.REGISTRY_NAMESPACE }}');
    expect(prPublish.env).toMatchObject({
      SLIPWAY_PREVIEW_REGISTRY: '${{ vars.PREVIEW_REGISTRY_HOST }}/${{ vars.PREVIEW_REGISTRY_NAMESPACE }}',
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: '${{ secrets.NX_CACHE_READ_TOKEN }}',
    });
    // Pull requests record nothing in the ledger.
    expect(Object.keys(prPublish.env ?? {})).not.toEqual(expect.arrayContaining(['LEDGER_URL']));
    expect(Object.keys(prPublish.env ?? {}).filter((k) => k.startsWith('LEDGER_'))).toEqual([]);
    expect(mainPublish.env).toMatchObject({ NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: '${{ secrets.NX_CACHE_WRITE_TOKEN }}', LEDGER_URL: '${{ vars.LEDGER_URL }}', LEDGER_TOKEN: '${{ secrets.LEDGER_TOKEN }}' });
    expect(mainPublish.env).not.toHaveProperty('SLIPWAY_PREVIEW_REGISTRY');
    expect(loginOf('images-main').map((s) => s.with?.['password'])).toEqual(['${{ secrets.REGISTRY_PASSWORD }}']);
    expect(loginOf('images').map((s) => [s.with?.['registry'], s.with?.['password']])).toEqual([
      ['${{ vars.REGISTRY_HOST }}', '${{ secrets.REGISTRY_READ_PASSWORD }}'],
      ['${{ vars.PREVIEW_REGISTRY_HOST }}', '${{ secrets.PREVIEW_REGISTRY_PASSWORD }}'],
    ]);
    for (const step of allSteps) expect(JSON.stringify([step.env, step.with])).not.toMatch(/scw\.cloud/);
  });

  it('names only variables and secrets that docs/ci.md tells how to set', () => {
    const docs = readFileSync(join(workspaceRoot, 'docs/ci.md'), 'utf8');
    for (const name of [...referencedNames(workflowText, 'vars'), ...referencedNames(workflowText, 'secrets').filter((n) => n !== 'GITHUB_TOKEN')]) {
      expect(docs, name).toContain(`\`${name}\``);
    }
  });

  it('runs the summary after every images job, also when one failed or none ran, but not after failed checks', () => {
    expect(wf.jobs['summary']?.needs).toEqual(['plan', 'checks', 'checks-main', 'images', 'images-main']);
    const base: JobResults = { plan: { result: 'success', outputs: {} }, checks: { result: 'success', outputs: {} }, 'checks-main': { result: 'skipped', outputs: {} } };
    const after = (images: 'success' | 'failure' | 'skipped', checks: 'success' | 'failure' = 'success') =>
      jobRuns(wf, 'summary', pr, settings, { ...base, checks: { result: checks, outputs: {} }, images: { result: images, outputs: {} }, 'images-main': { result: 'skipped', outputs: {} } });
    expect([after('success'), after('failure'), after('skipped'), after('skipped', 'failure')]).toEqual([true, true, true, false]);
  });

  it('pins every action to a commit, with the release tag beside it, and one release per action (the setup action too)', () => {
    const uses = allSteps.map((s) => s.uses).filter((u): u is string => !!u);
    expect(uses.length).toBeGreaterThan(5);
    // An action in a repository's subfolder (actions/cache/restore) is pinned by its repository's commit.
    for (const u of uses) expect(u).toMatch(/^([\w.-]+\/[\w.-]+(\/[\w.-]+)*@[0-9a-f]{40}|\.\/\.github\/actions\/[\w-]+)$/);
    // The tag lives in a YAML comment, which the parsed workflow drops: read the lines.
    const lines = `${workflowText}\n${actionText}`.split('\n').filter((l) => /^\s*(- )?uses:/.test(l) && !l.includes('uses: ./'));
    expect(lines).toHaveLength(uses.filter((u) => !u.startsWith('./')).length);
    const pins = new Map<string, string>();
    for (const line of lines) {
      const m = /uses: ([\w.-]+\/[\w.-]+)(?:\/[\w.-]+)*@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
      expect(m, line).not.toBeNull();
      const [, action, commit, tag] = m!;
      expect(pins.get(action!) ?? `${commit} ${tag}`, `${action} pinned twice differently`).toBe(`${commit} ${tag}`);
      pins.set(action!, `${commit} ${tag}`);
    }
  });

  it('sets every job up through the local action: Node from .nvmrc, Go from go.mod, npm ci; the registry image is current', () => {
    for (const [id, job] of Object.entries(wf.jobs)) {
      const at = job.steps.findIndex((s) => s.uses === './.github/actions/setup');
      expect(at, id).toBe(1);
      expect(job.steps[0]?.uses, id).toMatch(/^actions\/checkout@/);
    }
    expect(workflowSteps.filter((s) => /actions\/setup-(node|go)@/.test(s.uses ?? '') || /npm ci/.test(s.run ?? ''))).toEqual([]);
    const node = setup.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(node?.with).toMatchObject({ 'node-version-file': '.nvmrc', cache: 'npm' });
    expect(setup.runs.steps.find((s) => s.uses?.startsWith('actions/setup-go@'))?.with).toMatchObject({ 'go-version-file': 'go/go.mod' });
    expect(`${workflowText}${actionText}`).not.toMatch(/node-version:/);
    expect(actionText).not.toMatch(/secrets\./);
    expect(workflowText).toMatch(/image: registry:3\n/);
  });

  it("gives every step that runs Nx a local cache and task database in its job's RUNNER_TEMP, which the runner empties", () => {
    const runsNx = (s: WorkflowStep) => /\bnx\b|cli\/plan\.ts|affected-checks\.sh/.test(s.run ?? '');
    const nxSteps = Object.entries(wf.jobs).flatMap(([job, j]) => j.steps.filter(runsNx).map((s) => `${job}/${s.id}`));
    expect(nxSteps).toEqual(['plan/plan', 'checks/checks', 'checks-main/checks', 'images/publish', 'images-main/publish']);
    for (const id of nxSteps) {
      const [job, step] = id.split('/') as [string, string];
      expect(stepById(wf, job, step).env, id).toMatchObject({
        NX_CACHE_DIRECTORY: '${{ runner.temp }}/nx/cache',
        NX_WORKSPACE_DATA_DIRECTORY: '${{ runner.temp }}/nx/workspace-data',
      });
    }
  });

  it('keeps expressions out of run: scripts (values come in through env:, which also stops script injection)', () => {
    for (const step of allSteps) if (step.run) expect(step.run).not.toContain('${{');
    expect(workflowEnv(wf)).toMatchObject({ NX_DAEMON: 'false' });
  });
});

describe('referencedNames', () => {
  it('lists the names a text reads from a context', () => {
    expect(referencedNames("${{ vars.A || 'x' }} ${{ secrets.B }} ${{ vars.A }} ${{ vars.C_2 }}", 'vars')).toEqual(['A', 'C_2']);
    expect(referencedNames('${{ secrets.B }}', 'secrets')).toEqual(['B']);
  });
});
