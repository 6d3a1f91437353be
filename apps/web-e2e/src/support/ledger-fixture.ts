import type { NewBuild } from '@slipway/api-contract';

const MB = 1_000_000;

/** How many images the overview shows before "Load more" (the web app's IMAGES_PAGE_SIZE). */
export const OVERVIEW_PAGE = 50;

/**
 * A small, realistic history of two images over three CI runs and one local build, after
 * enough older images (`fillers`, oldest first) that the overview has a second page.
 */
export interface LedgerFixture {
  api: string;
  web: string;
  runs: [string, string, string];
  /** Images with one local build each, recorded before the others, oldest first. */
  fillers: string[];
  /** In the order to post them: the server stamps recordedAt, so this is oldest first. */
  builds: NewBuild[];
}

/** A digest whose short form (the first 8 hex digits) shows `n`: sha256:0000000n…. */
export function digest(n: number): string {
  return `sha256:${n.toString(16).padStart(8, '0')}${'ab'.repeat(28)}`;
}

/**
 * Builds under names unique to `tag`, so a ledger that already holds data (or another test's)
 * does not disturb the counts. api: 4 builds (3 in CI, 1 local), under its 20 MB budget; web:
 * 3 builds, the last one over its 5 MB budget. Each image is reused in one of its 3 runs.
 */
export function ledgerFixture(tag: string): LedgerFixture {
  const api = `registry.example/${tag}/slipway-api`;
  const web = `registry.example/${tag}/slipway-web`;
  const runs: [string, string, string] = [`${tag}-run-1`, `${tag}-run-2`, `${tag}-run-3`];
  const shas = ['1a2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d', '2b3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e', '3c4d5e6f70819a2b3c4d5e6f70819a2b3c4d5e6f'];
  const build = (
    project: 'api' | 'web',
    n: number,
    fields: Pick<NewBuild, 'sizeBytes' | 'outcome' | 'durationMs'> & { run?: number },
  ): NewBuild => ({
    project,
    image: project === 'api' ? api : web,
    digest: digest(n),
    tags: [shas[fields.run ?? 2]?.slice(0, 7) ?? 'local', 'main'],
    sizeBytes: fields.sizeBytes,
    budgetBytes: project === 'api' ? 20 * MB : 5 * MB,
    platform: 'linux/amd64',
    gitSha: shas[fields.run ?? 2] ?? shas[2] ?? '',
    nxHash: `${8_412_093_740_293 + n}`,
    outcome: fields.outcome,
    durationMs: fields.durationMs,
    ...(fields.run === undefined ? {} : { ciRunId: runs[fields.run] }),
  });
  // Two more than a page: with api and web on top, the second page holds the 9 oldest.
  const fillers = Array.from({ length: OVERVIEW_PAGE + 5 }, (_, i) => `registry.example/${tag}/filler-${String(i).padStart(2, '0')}`);
  const filler = (image: string, i: number): NewBuild => ({
    project: 'tools',
    image,
    digest: digest(100 + i),
    tags: ['local'],
    sizeBytes: 1_000_000 + i,
    platform: 'linux/amd64',
    gitSha: shas[0] ?? '',
    nxHash: `${9_000 + i}`,
    outcome: 'built',
    durationMs: 1_000,
  });
  return {
    api,
    web,
    runs,
    fillers,
    builds: [
      ...fillers.map(filler),
      build('api', 1, { run: 0, outcome: 'built', sizeBytes: 11_800_000, durationMs: 41_000 }),
      build('web', 2, { run: 0, outcome: 'built', sizeBytes: 4_600_000, durationMs: 63_000 }),
      build('api', 1, { run: 1, outcome: 'reused', sizeBytes: 11_800_000, durationMs: 2_100 }),
      build('web', 2, { run: 1, outcome: 'reused', sizeBytes: 4_600_000, durationMs: 1_900 }),
      build('api', 3, { run: 2, outcome: 'built', sizeBytes: 12_900_000, durationMs: 44_500 }),
      build('web', 4, { run: 2, outcome: 'built', sizeBytes: 5_400_000, durationMs: 71_200 }),
      build('api', 5, { outcome: 'built', sizeBytes: 13_200_000, durationMs: 39_000 }),
    ],
  };
}

/** Records `builds` one after another through `baseUrl` (the API itself or a proxy in front of it). */
export async function postBuilds(baseUrl: string, token: string, builds: readonly NewBuild[]): Promise<void> {
  for (const build of builds) {
    const res = await fetch(`${baseUrl}/api/v1/builds`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(build),
    });
    if (res.status !== 201) throw new Error(`POST /api/v1/builds answered ${res.status}: ${await res.text()}`);
  }
}
