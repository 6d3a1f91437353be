import type { ImageMetadata } from '../build/metadata';
import { branchTag, ciRunId, decideOutcome, ledgerBuild, ledgerEvidence, placement, publishTags, toTag } from './decide';

const digest = `sha256:${'a'.repeat(64)}`;
const meta: ImageMetadata = {
  project: 'api',
  image: 'rg.fr-par.scw.cloud/ns/slipway-api',
  tags: ['1a2b3c4', 'nx-123'],
  digest,
  configDigest: `sha256:${'b'.repeat(64)}`,
  platform: 'linux/amd64',
  sizeBytes: 9_000_000,
  sizeKind: 'compressed',
  nxHash: '123',
  gitSha: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
  mode: 'push',
  dockerfile: 'go/Dockerfile.multi-stage',
  builtAt: '2026-01-01T00:00:00.000Z',
};

describe('decideOutcome', () => {
  it.each([
    ['docker-build ran here for this hash and digest', { project: 'api', nxHash: '123', digest, durationMs: 5 }, false, 'built'],
    ['no marker: metadata came from a cache', undefined, false, 'reused'],
    ['a marker of another hash (an older build here, then a cache hit)', { project: 'api', nxHash: '999', digest, durationMs: 5 }, false, 'reused'],
    ['a marker of another digest', { project: 'api', nxHash: '123', digest: `sha256:${'c'.repeat(64)}`, durationMs: 5 }, false, 'reused'],
    ['the cached image was missing and publish rebuilt it', undefined, true, 'built'],
  ] as const)('%s → %s', (_why, marker, rebuilt, outcome) => {
    expect(decideOutcome(meta, marker, rebuilt).outcome).toBe(outcome);
  });

  it('says which commit a reused image was built from', () => {
    expect(decideOutcome(meta, undefined, false).reason).toContain('1a2b3c4');
  });

  it('says when a reused image is not tagged (a pull request verifying main\'s image)', () => {
    expect(decideOutcome(meta, undefined, false).reason).toMatch(/gets this commit's tags/);
    const untagged = decideOutcome(meta, undefined, false, false);
    expect(untagged).toMatchObject({ outcome: 'reused' });
    expect(untagged.reason).toMatch(/verified by digest and not tagged/);
  });
});

describe('placement', () => {
  const release = 'rg.fr-par.scw.cloud/slipway/slipway-api';
  const preview = 'rg.fr-par.scw.cloud/slipway-preview/slipway-api';

  it.each([
    ['main: its own release image is tagged', release, { release }, { repository: release, tag: true }],
    ['a pull request: main\'s image is verified, not tagged', release, { release, preview }, { repository: release, tag: false }],
    ['a pull request: its own preview build is tagged', preview, { release, preview }, { repository: preview, tag: true }],
  ])('%s', (_why, image, repos, want) => {
    expect(placement(image, repos)).toEqual(want);
  });

  it.each([
    ['main: a cache entry naming a preview image', preview, { release }, /names rg\.fr-par\.scw\.cloud\/slipway-preview\/slipway-api, which this job does not publish to \(rg\.fr-par\.scw\.cloud\/slipway\/slipway-api\)/],
    ['a pull request: an image of another registry', 'evil.example/x/slipway-api', { release, preview }, /does not publish to \(.*slipway-api or .*slipway-preview\/slipway-api\)/],
  ])('%s: rebuilt, not trusted', (_why, image, repos, message) => {
    const got = placement(image, repos);
    expect(got).toHaveProperty('rebuild');
    expect((got as { rebuild: string }).rebuild).toMatch(message);
  });
});

describe('branchTag', () => {
  it.each([
    ['a push to main', { GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_REF_NAME: 'main' }, '', 'main'],
    ['a pull request', { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/42/merge', GITHUB_REF_NAME: '42/merge', GITHUB_HEAD_REF: 'feat/x' }, '', 'pr-42'],
    ['a branch with slashes', { GITHUB_EVENT_NAME: 'push', GITHUB_REF_NAME: 'release/1.2' }, '', 'release-1.2'],
    ['a local checkout', {}, 'feature/Size_Chart', 'feature-Size_Chart'],
    ['a detached HEAD outside CI', {}, '', undefined],
    ['a git tag push', { GITHUB_REF_TYPE: 'tag', GITHUB_REF_NAME: 'v1.0.0' }, '', undefined],
    ['an override', { SLIPWAY_BRANCH_TAG: 'staging', GITHUB_REF_NAME: 'main' }, 'main', 'staging'],
    ['an override that turns it off', { SLIPWAY_BRANCH_TAG: 'none', GITHUB_REF_NAME: 'main' }, 'main', undefined],
  ])('%s', (_why, env, current, tag) => {
    expect(branchTag(env, current)).toBe(tag);
  });
});

describe('toTag', () => {
  it.each([
    ['main', 'main'],
    ['feat/ä-b', 'feat-b'],
    ['--.x', 'x'],
    ['///', undefined],
    ['a'.repeat(200), 'a'.repeat(128)],
  ])('%j → %j', (input, tag) => {
    expect(toTag(input)).toBe(tag);
  });
});

describe('publishTags', () => {
  it('puts the commit first and the branch tag after it, once each', () => {
    expect(publishTags('1a2b3c4', 'main')).toEqual(['1a2b3c4', 'main']);
    expect(publishTags('1a2b3c4', undefined)).toEqual(['1a2b3c4']);
  });

  it('refuses to publish outside a git checkout', () => {
    expect(() => publishTags('unknown', 'main')).toThrow(/git checkout/);
  });
});

describe('ciRunId', () => {
  it.each([
    [{ GITHUB_RUN_ID: '99' }, '99'],
    [{ GITHUB_RUN_ID: '99', GITHUB_RUN_ATTEMPT: '1' }, '99'],
    [{ GITHUB_RUN_ID: '99', GITHUB_RUN_ATTEMPT: '2' }, '99-2'],
    [{ SLIPWAY_CI_RUN_ID: 'local-1', GITHUB_RUN_ID: '99' }, 'local-1'],
    [{}, undefined],
  ])('%j → %j', (env, id) => {
    expect(ciRunId(env)).toBe(id);
  });
});

describe('ledgerBuild', () => {
  it('records the published commit, the tags and the outcome, and the budget when there is one', () => {
    const build = ledgerBuild({
      meta,
      gitSha: 'f'.repeat(40),
      tags: ['fffffff', 'main'],
      decision: { outcome: 'reused', reason: '' },
      durationMs: 812.4,
      budgetBytes: 20_000_000,
      ciRunId: '99',
    });
    expect(build).toEqual({
      project: 'api',
      image: meta.image,
      digest,
      tags: ['fffffff', 'main'],
      sizeBytes: 9_000_000,
      budgetBytes: 20_000_000,
      platform: 'linux/amd64',
      gitSha: 'f'.repeat(40),
      nxHash: '123',
      outcome: 'reused',
      durationMs: 812,
      ciRunId: '99',
    });
  });

  it('leaves out the budget and run id when there are none', () => {
    const build = ledgerBuild({ meta, gitSha: 'f'.repeat(40), tags: ['fffffff'], decision: { outcome: 'built', reason: '' }, durationMs: 1 });
    expect(Object.keys(build)).not.toContain('budgetBytes');
    expect(Object.keys(build)).not.toContain('ciRunId');
    expect(Object.keys(build)).not.toContain('signed');
  });

  it('carries the evidence the supply-chain step attached or found', () => {
    const sbomDigest = `sha256:${'d'.repeat(64)}`;
    const build = ledgerBuild({
      meta,
      gitSha: 'f'.repeat(40),
      tags: ['fffffff'],
      decision: { outcome: 'built', reason: '' },
      durationMs: 1,
      evidence: { sbomDigest, sbomPackages: 87, signed: true, verified: true },
    });
    expect(build).toMatchObject({ sbomDigest, sbomPackages: 87, signed: true });
  });
});

describe('ledgerEvidence', () => {
  const sbomDigest = `sha256:${'d'.repeat(64)}`;
  it.each([
    ['a signed build', { sbomDigest, sbomPackages: 87, signed: true, verified: true }, { sbomDigest, sbomPackages: 87, signed: true }],
    ['an unsigned preview build', { sbomDigest, sbomPackages: 0, signed: false, verified: false }, { sbomDigest, sbomPackages: 0, signed: false }],
    ['a reused digest with a verified signature', { sbomDigest, sbomPackages: 12, signed: true, verified: true }, { sbomDigest, sbomPackages: 12, signed: true }],
    ['a reused digest published before the SBOMs (no evidence)', { signed: false, verified: false }, { signed: false }],
    [
      'a reused digest whose signature did not verify (a pull request job, reported)',
      { sbomDigest, sbomPackages: 12, signed: true, verified: false, verificationFailed: 'the signature does not match' },
      { sbomDigest, sbomPackages: 12, signed: false },
    ],
  ])('%s', (_name, evidence, want) => {
    expect(ledgerEvidence(evidence)).toEqual(want);
  });
});
