// The write-secret policy over the real workflows, and over broken copies of a
// small workflow of the same shape: each copy breaks one rule and must be caught.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';
import { checkWorkflow, checkWorkflows, formatFinding } from './secrets-policy';

const good = `
on:
  pull_request:
  push:
    branches: [main]
jobs:
  checks:
    if: github.event_name == 'pull_request'
    runs-on: ubuntu-24.04
    steps:
      - run: npx nx affected -t test
        env:
          NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: \${{ secrets.NX_CACHE_READ_TOKEN }}
  checks-main:
    if: github.event_name == 'push' && github.ref == 'refs/heads/main'
    environment: release
    runs-on: ubuntu-24.04
    steps:
      - run: npx nx affected -t test
        env:
          NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: \${{ secrets.NX_CACHE_WRITE_TOKEN }}
          LEDGER_TOKEN: \${{ secrets.LEDGER_TOKEN }}
`;

const messages = (text: string) => checkWorkflow('ci.yml', text).map(formatFinding);

describe('the write-secret policy', () => {
  it('passes the repository\'s workflows', () => {
    expect(checkWorkflows(join(workspaceRoot, '.github/workflows')).map(formatFinding)).toEqual([]);
  });

  it('passes a workflow that keeps write secrets in a main-only job of the protected environment', () => {
    expect(messages(good)).toEqual([]);
  });

  it.each([
    [
      'a write secret picked by an expression in a pull-request job',
      ['${{ secrets.NX_CACHE_READ_TOKEN }}', "${{ github.event_name == 'push' && secrets.NX_CACHE_WRITE_TOKEN || secrets.NX_CACHE_READ_TOKEN }}"],
      /\(job checks\): uses the write secret NX_CACHE_WRITE_TOKEN outside the protected environment/,
    ],
    ['the protected job without its environment', ['    environment: release\n', ''], /\(job checks-main\): uses the write secrets NX_CACHE_WRITE_TOKEN, LEDGER_TOKEN outside/],
    ['another environment name', ['environment: release', 'environment: staging'], /\(job checks-main\): uses the write secrets/],
    [
      'the environment chosen by an expression',
      ['environment: release', "environment: ${{ github.event_name == 'push' && 'release' || 'preview' }}"],
      /\(job checks-main\): the environment is an expression/,
    ],
    ['the protected job without its if', ["    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n", ''], /\(job checks-main\): names environment release but can run for a pull request/],
    [
      'the protected job with an if that a pull request passes',
      ["if: github.event_name == 'push' && github.ref == 'refs/heads/main'", "if: github.event_name == 'push' && github.ref == 'refs/heads/main' || github.event_name == 'pull_request'"],
      /names environment release but can run for a pull request/,
    ],
    ['a write secret in the workflow-level env', ['jobs:\n', 'env:\n  TOKEN: ${{ secrets.REGISTRY_PASSWORD }}\njobs:\n'], /workflow-level env names the write secret REGISTRY_PASSWORD/],
    ['every secret handed over at once', ['${{ secrets.NX_CACHE_READ_TOKEN }}', '${{ toJSON(secrets) }}'], /\(job checks\): uses every secret/],
    ['a secret the policy does not know', ['secrets.NX_CACHE_READ_TOKEN', 'secrets.SOME_NEW_TOKEN'], /secret SOME_NEW_TOKEN is declared neither as a write secret nor as a read secret/],
    ["a write secret in bracket notation", ["secrets.NX_CACHE_READ_TOKEN", "secrets['IMAGE_SIGNING_KEY']"], /\(job checks\): uses the write secret IMAGE_SIGNING_KEY outside/],
    [
      'pull_request_target with secrets',
      ['  pull_request:\n', '  pull_request_target:\n'],
      /\(job checks\): runs on pull_request_target with secrets \(NX_CACHE_READ_TOKEN\)/,
    ],
  ])('catches %s', (_why, [from, to], message) => {
    expect(good).toContain(from);
    const found = messages(good.replace(from as string, to as string));
    expect(found.join('\n')).toMatch(message);
  });

  it('catches workflow_run checking out the code of the pull request that triggered it', () => {
    const wf = `
on:
  workflow_run:
    workflows: [CI]
    types: [completed]
jobs:
  report:
    runs-on: ubuntu-24.04
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1
        with:
          ref: \${{ github.event.workflow_run.head_sha }}
      - run: npm test
`;
    expect(messages(wf).join('\n')).toMatch(/\(job report\): runs on workflow_run and checks out the pull request's code/);
    expect(messages(wf.replace(/ {8}with:\n.*\n/, ''))).toEqual([]);
  });

  describe('broken copies of ci.yml', () => {
    const ciYml = readFileSync(join(workspaceRoot, '.github/workflows/ci.yml'), 'utf8');
    const mainOnly = "github.event_name == 'push' && github.ref == 'refs/heads/main' &&\n      needs.plan.outputs.has-images == 'true'";

    it.each([
      [
        "the old expression that picks the cache's write token in a pull request's job",
        ['NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: ${{ secrets.NX_CACHE_READ_TOKEN }}', "NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: ${{ github.event_name == 'push' && github.ref == 'refs/heads/main' && secrets.NX_CACHE_WRITE_TOKEN || secrets.NX_CACHE_READ_TOKEN }}"],
        /\(job checks\): uses the write secret NX_CACHE_WRITE_TOKEN outside the protected environment/,
      ],
      ["the release push key in the pull request's login", ['password: ${{ secrets.REGISTRY_READ_PASSWORD }}', 'password: ${{ secrets.REGISTRY_PASSWORD }}'], /\(job images\): uses the write secret REGISTRY_PASSWORD outside/],
      ["the ledger token handed to the pull request's publish", ['SLIPWAY_PREVIEW_REGISTRY: ', 'LEDGER_TOKEN: ${{ secrets.LEDGER_TOKEN }}\n          SLIPWAY_PREVIEW_REGISTRY: '], /\(job images\): uses the write secret LEDGER_TOKEN outside/],
      ['images-main without its environment', ["    environment: release\n    runs-on: ubuntu-24.04\n    timeout-minutes: 45", '    runs-on: ubuntu-24.04\n    timeout-minutes: 45'], /\(job images-main\): uses the write secrets (?=.*REGISTRY_PASSWORD)(?=.*NX_CACHE_WRITE_TOKEN)(?=.*LEDGER_TOKEN).* outside/],
      ['images-main open to pull requests', [mainOnly, "needs.plan.outputs.has-images == 'true'"], /\(job images-main\): names environment release but can run for a pull request/],
      ['checks-main open to pull requests', ["    if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n    # The protected", "    if: always()\n    # The protected"], /\(job checks-main\): names environment release but can run for a pull request/],
      ['the workflow run on pull_request_target', ['on:\n  pull_request:\n', 'on:\n  pull_request_target:\n'], /runs on pull_request_target with secrets/],
    ])('catches %s', (_why, [from, to], message) => {
      expect(ciYml).toContain(from);
      const found = checkWorkflow('ci.yml', ciYml.replace(from as string, to as string)).map(formatFinding);
      expect(found.join('\n')).toMatch(message);
    });
  });

  it('refuses a file that is not a workflow', () => {
    expect(messages('name: x\n')).toEqual(['ci.yml: not a workflow: it has no jobs']);
  });
});
