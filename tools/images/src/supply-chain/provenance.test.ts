import type { ImageMetadata } from '../build/metadata';
import { ciRunOf, slsaProvenance, statement } from './provenance';
import { imageBuildArgs } from '../build/build-args';

const sha = '9c8b7a6'.padEnd(40, '1');
const meta: ImageMetadata = {
  project: 'api',
  image: '127.0.0.1:5000/ns/slipway-api',
  tags: ['9c8b7a6'],
  digest: `sha256:${'ab'.repeat(32)}`,
  configDigest: `sha256:${'cd'.repeat(32)}`,
  platform: 'linux/amd64',
  sizeBytes: 1,
  sizeKind: 'compressed',
  nxHash: '5263578461273709784',
  gitSha: sha,
  mode: 'push',
  dockerfile: 'go/Dockerfile.multi-stage',
  builtAt: '2026-01-01T00:01:00.000Z',
};
const env = { GITHUB_RUN_ID: '1001', GITHUB_RUN_ATTEMPT: '2', GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'acme/slipway', GITHUB_WORKFLOW_REF: 'acme/slipway/.github/workflows/ci.yml@refs/heads/main' };

describe('provenance', () => {
  it('an in-toto v1 statement about the digest', () => {
    expect(statement(meta.image, meta.digest, 'x', {})).toEqual({ _type: 'https://in-toto.io/Statement/v1', subject: [{ name: meta.image, digest: { sha256: 'ab'.repeat(32) } }], predicateType: 'x', predicate: {} });
    expect(() => statement(meta.image, 'latest', 'x', {})).toThrow(/not a sha256 manifest digest/);
  });

  it('SLSA v1: source, commit, Dockerfile, build arguments, Nx hash, builder, CI run', () => {
    const p = slsaProvenance({
      meta,
      sourceRepository: 'https://github.com/acme/slipway',
      ref: 'refs/heads/main',
      dockerfile: 'go/Dockerfile.multi-stage',
      dockerfileDigest: `sha256:${'ef'.repeat(32)}`,
      context: 'go',
      buildArgs: imageBuildArgs(['SERVICE=api'], sha, { IMAGE_SOURCE_URL: 'https://github.com/acme/slipway' }),
      builder: { name: 'slipway', driver: 'remote', buildkit: ['v0.34.2'] },
      ci: ciRunOf(env),
      durationMs: 60_000,
    });
    expect(p.buildDefinition.externalParameters).toEqual({
      source: { repository: 'https://github.com/acme/slipway', commit: sha, ref: 'refs/heads/main' },
      dockerfile: 'go/Dockerfile.multi-stage',
      context: 'go',
      platform: 'linux/amd64',
      buildArgs: { VERSION: '9c8b7a6', REVISION: sha, SOURCE_DATE_EPOCH: '0', SOURCE: 'https://github.com/acme/slipway', SERVICE: 'api' },
    });
    expect(p.buildDefinition.internalParameters).toMatchObject({ project: 'api', nxHash: '5263578461273709784' });
    expect(p.buildDefinition.resolvedDependencies).toEqual([
      { uri: 'git+https://github.com/acme/slipway', digest: { gitCommit: sha } },
      { uri: 'file:go/Dockerfile.multi-stage', digest: { sha256: 'ef'.repeat(32) } },
    ]);
    expect(p.runDetails.builder.id).toBe('https://github.com/acme/slipway/.github/workflows/ci.yml@refs/heads/main');
    expect(p.runDetails.builder.version).toEqual({ buildkit: 'v0.34.2' });
    expect(p.runDetails.builder.builderDependencies[0]).toEqual({ uri: 'buildx-builder:slipway', annotations: { driver: 'remote', buildkit: 'v0.34.2' } });
    expect(p.runDetails.metadata).toEqual({
      invocationId: 'https://github.com/acme/slipway/actions/runs/1001/attempts/2',
      startedOn: '2026-01-01T00:00:00.000Z',
      finishedOn: '2026-01-01T00:01:00.000Z',
    });
  });

  it('by hand: the builder names itself, no CI run', () => {
    expect(ciRunOf({})).toBeUndefined();
    const p = slsaProvenance({ meta, sourceRepository: 'unknown', dockerfile: 'd', dockerfileDigest: 'sha256:00', context: '.', buildArgs: {}, builder: { name: 'default', driver: 'docker', buildkit: ['v0.13.0'] } });
    expect(p.runDetails.builder.id).toBe('buildx:default');
    expect(p.runDetails.metadata).toEqual({ finishedOn: meta.builtAt });
  });
});
