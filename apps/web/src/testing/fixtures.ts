import type { Build, ImageSummary, Run, RunSummary, SizePoint } from '@slipway/api-contract';

export const API_IMAGE = 'registry.example/ns/slipway-api';
export const API_IMAGE_PATH = '/images/registry.example%2Fns%2Fslipway-api';
export const WEB_IMAGE = 'registry.example/ns/slipway-web';

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
  const builds = overrides.builds ?? 3;
  return {
    image: latest.image,
    project: latest.project,
    builds,
    latest,
    lastBuiltAt: latest.outcome === 'built' ? latest.recordedAt : null,
    lastReusedAt: latest.outcome === 'reused' ? latest.recordedAt : null,
    runs: { total: 4, reused: 3 },
    ...overrides,
  };
}

/** A point of an image's size chart, recorded `minutesAgo` before the real clock. */
export function makeSizePoint(overrides: Partial<SizePoint> & { minutesAgo?: number } = {}): SizePoint {
  const { minutesAgo = 3, ...rest } = overrides;
  return {
    recordedAt: new Date(Date.now() - minutesAgo * MINUTE).toISOString(),
    sizeBytes: 4_200_000,
    budgetBytes: 5_000_000,
    digest: `sha256:abcd1234${'0'.repeat(56)}`,
    outcome: 'built',
    gitSha: '3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3',
    ...rest,
  };
}

/** A CI run as the API sends it, with `builds` summed up unless the overrides say otherwise. */
export function makeRun(overrides: Partial<Run> = {}): Run {
  const builds = overrides.builds ?? [
    makeBuild({ id: 1, outcome: 'built', durationMs: 41_000, minutesAgo: 12 }),
    makeBuild({
      id: 2,
      project: 'web',
      image: WEB_IMAGE,
      outcome: 'reused',
      durationMs: 2_000,
      sizeBytes: 48_200_000,
      minutesAgo: 10,
    }),
  ];
  return {
    ciRunId: '98765',
    gitSha: '3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3',
    startedAt: builds[0]?.recordedAt ?? new Date().toISOString(),
    finishedAt: builds.at(-1)?.recordedAt ?? new Date().toISOString(),
    images: builds.length,
    built: builds.filter((build) => build.outcome === 'built').length,
    reused: builds.filter((build) => build.outcome === 'reused').length,
    durationMs: builds.reduce((sum, build) => sum + build.durationMs, 0),
    builds,
    ...overrides,
  };
}

/** The RunSummary fields of a run (what `GET /api/v1/runs` lists). */
export function runSummary(run: Run): RunSummary {
  const { ciRunId, gitSha, startedAt, finishedAt, images, built, reused, durationMs } = run;
  return { ciRunId, gitSha, startedAt, finishedAt, images, built, reused, durationMs };
}
