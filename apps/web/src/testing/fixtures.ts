import type { Build, ImageSummary } from '@slipway/api-contract';

export const API_IMAGE = 'registry.example/ns/slipway-api';
export const API_IMAGE_PATH = '/images/registry.example%2Fns%2Fslipway-api';

const MINUTE = 60_000;

/** A build as the API sends it; recorded `minutesAgo` before the real clock. */
export function makeBuild(overrides: Partial<Build> & { minutesAgo?: number } = {}): Build {
  const { minutesAgo = 3, ...rest } = overrides;
  return {
    id: 1,
    project: 'api',
    image: API_IMAGE,
    digest: `sha256:abcd1234${'0'.repeat(56)}`,
    tags: ['3f2c1ab', 'main'],
    sizeBytes: 12_345_678,
    platform: 'linux/amd64',
    gitSha: '3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3',
    nxHash: '12345678901234567890',
    outcome: 'built',
    durationMs: 1234,
    ciRunId: '98765',
    recordedAt: new Date(Date.now() - minutesAgo * MINUTE).toISOString(),
    ...rest,
  };
}

export function makeImage(overrides: Partial<ImageSummary> = {}): ImageSummary {
  const latest = overrides.latest ?? makeBuild();
  return { image: latest.image, project: latest.project, buildCount: 3, latest, ...overrides };
}
