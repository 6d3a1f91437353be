import { ledgerRelease, type ReleaseRecord } from './release-publish';

const record: ReleaseRecord = {
  project: 'api',
  image: 'registry.example/ns/slipway-api',
  digest: `sha256:${'a'.repeat(64)}`,
  version: '2612.02.1a2b3c4',
  tags: ['2612.02.1a2b3c4'],
  from: 'main',
  gitSha: '1a2b3c4',
  verified: true,
  releasedAt: '2026-12-02T00:00:00.000Z',
};

describe('ledgerRelease', () => {
  it('is the release record as the contract NewRelease, with the CI run when there is one', () => {
    expect(ledgerRelease(record, '42')).toEqual({
      project: 'api',
      image: 'registry.example/ns/slipway-api',
      digest: `sha256:${'a'.repeat(64)}`,
      version: '2612.02.1a2b3c4',
      tags: ['2612.02.1a2b3c4'],
      gitSha: '1a2b3c4',
      ciRunId: '42',
    });
    expect(ledgerRelease(record, undefined)).not.toHaveProperty('ciRunId');
  });
});
