// Checks of the workflow's shape that a rehearsal cannot run: triggers, the
// empty-matrix guard, who gets the cache write token, actions pinned by commit, that
// the registry comes from repository settings, and each job's own local Nx cache.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';
import { loadWorkflow, runnerTempValues, stepById, stepEnv, workflowEnv, type Workflow } from './workflow';

const workflowPath = join(workspaceRoot, '.github/workflows/ci.yml');
const wf: Workflow = loadWorkflow(workflowPath);
const workflowText = readFileSync(workflowPath, 'utf8');
const allSteps = Object.values(wf.jobs).flatMap((j) => j.steps);

describe('the CI workflow', () => {
  it('runs on pull requests and on pushes to main', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['pull_request', 'push']);
    expect(wf.on['push']).toEqual({ branches: ['main'] });
  });

  it('plans from full history with nx-set-shas before the affected checks and the plan', () => {
    const steps = wf.jobs['plan']?.steps ?? [];
    expect(steps[0]).toMatchObject({ uses: expect.stringMatching(/^actions\/checkout@/), with: { 'fetch-depth': 0 } });
    const order = ['nrwl/nx-set-shas', 'checks', 'plan'].map((key) => steps.findIndex((s) => s.uses?.startsWith(key) || s.id === key));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(stepById(wf, 'plan', 'checks').run).toContain('nx affected -t lint test typecheck');
    expect(wf.jobs['plan']?.outputs).toMatchObject({ matrix: '${{ steps.plan.outputs.matrix }}', 'has-images': '${{ steps.plan.outputs.has-images }}' });
  });

  it('skips the images job when no image is affected, and builds one job per image otherwise', () => {
    const images = wf.jobs['images'];
    expect(images?.needs).toBe('plan');
    expect(images?.if).toContain("needs.plan.outputs.has-images == 'true'");
    expect(images?.strategy?.matrix).toBe('${{ fromJSON(needs.plan.outputs.matrix) }}');
    expect(stepById(wf, 'images', 'publish').run).toContain('nx run "$PROJECT:docker-publish"');
  });

  it('gives the cache write token only to pushes to main, the read token otherwise', () => {
    for (const id of ['checks', 'publish']) {
      const job = id === 'checks' ? 'plan' : 'images';
      expect(stepById(wf, job, id).env?.['NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN']).toBe(
        "${{ github.event_name == 'push' && github.ref == 'refs/heads/main' && secrets.NX_CACHE_WRITE_TOKEN || secrets.NX_CACHE_READ_TOKEN }}",
      );
    }
  });

  it('takes the registry from repository variables and secrets, never from the file', () => {
    const publish = stepById(wf, 'images', 'publish');
    expect(publish.env?.['REGISTRY']).toBe('${{ vars.REGISTRY_HOST }}/${{ vars.REGISTRY_NAMESPACE }}');
    const login = wf.jobs['images']?.steps.find((s) => s.uses?.startsWith('docker/login-action@'));
    expect(login?.with?.['password']).toBe('${{ secrets.REGISTRY_PASSWORD }}');
    for (const step of allSteps) expect(JSON.stringify([step.env, step.with])).not.toMatch(/scw\.cloud/);
  });

  it('runs the summary after every images job, also when one failed or none ran', () => {
    expect(wf.jobs['summary']?.needs).toEqual(['plan', 'images']);
    expect(wf.jobs['summary']?.if).toBe("always() && needs.plan.result == 'success'");
  });

  it('pins every action to a commit, with the release tag beside it, and one release per action', () => {
    const uses = allSteps.map((s) => s.uses).filter((u): u is string => !!u);
    expect(uses.length).toBeGreaterThan(5);
    for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    // The tag lives in a YAML comment, which the parsed workflow drops: read the lines.
    const lines = workflowText.split('\n').filter((l) => /^\s*(- )?uses:/.test(l));
    expect(lines).toHaveLength(uses.length);
    const pins = new Map<string, string>();
    for (const line of lines) {
      const m = /uses: ([\w.-]+\/[\w.-]+)@([0-9a-f]{40}) # (v\d+\.\d+\.\d+)$/.exec(line);
      expect(m, line).not.toBeNull();
      const [, action, commit, tag] = m!;
      expect(pins.get(action!) ?? `${commit} ${tag}`, `${action} pinned twice differently`).toBe(`${commit} ${tag}`);
      pins.set(action!, `${commit} ${tag}`);
    }
  });

  it('takes Node from .nvmrc and uses the current registry image', () => {
    const setups = allSteps.filter((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(setups.length).toBeGreaterThan(0);
    for (const s of setups) expect(s.with).toMatchObject({ 'node-version-file': '.nvmrc' });
    expect(workflowText).not.toMatch(/node-version:/);
    expect(workflowText).toMatch(/image: registry:3\n/);
  });

  it('gives every step that runs Nx a local cache and task database in its job\'s RUNNER_TEMP, which the runner empties', () => {
    const nxSteps = Object.entries(wf.jobs).flatMap(([job, j]) => j.steps.filter((s) => /\bnx\b|cli\/plan\.ts/.test(s.run ?? '')).map((s) => `${job}/${s.id}`));
    expect(nxSteps).toEqual(['plan/checks', 'plan/plan', 'images/publish']);
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

describe('runnerTempValues', () => {
  it('evaluates the env values under ${{ runner.temp }} for a job, and only those', () => {
    const step = { id: 'x', run: 'true', env: { A: '${{ runner.temp }}/nx/cache', B: '${{ runner.temp }}', C: '${{ vars.C }}', D: '${{ runner.temp }}/${{ vars.D }}' } };
    expect(runnerTempValues(step, '/tmp/job')).toEqual({ A: '/tmp/job/nx/cache', B: '/tmp/job' });
  });
});

describe('stepEnv', () => {
  it('insists on exactly the env the step declares', () => {
    const step = { id: 'x', run: 'true', env: { A: '${{ vars.A }}', B: '${{ vars.B }}' } };
    expect(stepEnv(step, { A: '1', B: '2' })).toEqual({ A: '1', B: '2' });
    expect(() => stepEnv(step, { A: '1' })).toThrow(/missing: B/);
    expect(() => stepEnv(step, { A: '1', B: '2', C: '3' })).toThrow(/not in the workflow: C/);
  });
});
