// Small changes: one Go service file (only api rebuilds), one web source file (only web
// rebuilds), an unrelated root lockfile change (web's dependency set is unchanged) — each
// with `nx affected -t docker-build` after the commit, against a cold build of the image.
import type { Benchmark } from './lib/bench';
import { stepCached } from './lib/buildkit-log';
import { dockerVersions, plainBuild, removeBenchImages, requireBuilder } from './lib/docker';
import { machine } from './lib/results';
import { nx, progress, ran } from './lib/run';
import { pairedSpeedup, summarize } from './lib/stats';
import { cloneHead, type Clone } from './lib/workspace';

/** A package in no image's hash (web's takes the npm packages its project graph reaches, lint tools too), in two real versions (integrity from the npm registry). */
export const UNUSED = {
  name: '@swc/counter',
  versions: [
    ['0.1.3', 'sha512-e2BR4lsJkkRlKZ/qCHPw9ZaSxc0MVUd7gtbtaB7aMvHeJVYe8sOB8DBZkP2DtISHGSku9sCK6T6cnY0CtXrOCQ=='],
    ['0.1.2', 'sha512-9F4ys4C74eSTEUNndnER3VJ15oru2NumfQxS8geE+f3eB5xvfxpWyqE5XlVnxb/R14uoXi6SLbBwwiDSkv+XEw=='],
  ],
} as const;

/** package-lock.json with the unused package swapped to its other version, and what was swapped. */
export function toggledLockfile(text: string): { text: string; swap: string } {
  const entry = ([v, i]: readonly [string, string]) => `"node_modules/${UNUSED.name}": {\n      "version": "${v}",\n      "integrity": "${i}"`;
  const [a, b] = UNUSED.versions;
  const [from, to] = text.includes(entry(a)) ? [a, b] : [b, a];
  if (!text.includes(entry(from))) throw new Error(`package-lock.json has no ${UNUSED.name} entry at ${a[0]} or ${b[0]}: pick another package no image uses`);
  return { text: text.replace(entry(from), entry(to)), swap: `${UNUSED.name} ${from[0]} → ${to[0]}` };
}

/** Swaps the unused package between its two versions in the clone's package-lock.json. */
function toggleUnusedPackage(clone: Clone): string {
  const { text, swap } = toggledLockfile(clone.read('package-lock.json'));
  clone.write('package-lock.json', text);
  return swap;
}

interface Scenario {
  key: 'api' | 'web' | 'lockfile';
  what: string;
  /** Makes the change in the clone (a new one each run) and describes it. */
  edit: (clone: Clone, run: number) => string;
  /** The images that must be rebuilt. */
  rebuilds: string[];
  /** The image to build cold for comparison. */
  coldImage: string;
}

const scenarios: Scenario[] = [
  {
    key: 'api',
    what: 'one Go service file (go/apps/api/run.go)',
    edit: (c, i) => (c.append('go/apps/api/run.go', `\n// bench: small change ${i}\n`), 'go/apps/api/run.go'),
    rebuilds: ['api'],
    coldImage: 'api',
  },
  {
    key: 'web',
    what: 'one web source file (apps/web/src/lib/format.ts)',
    edit: (c, i) => (c.append('apps/web/src/lib/format.ts', `\n// bench: small change ${i}\n`), 'apps/web/src/lib/format.ts'),
    rebuilds: ['web'],
    coldImage: 'web',
  },
  {
    key: 'lockfile',
    what: `root lockfile, a package no image uses (${UNUSED.name})`,
    edit: (c) => toggleUnusedPackage(c),
    rebuilds: [],
    coldImage: 'web',
  },
];

export const smallChanges: Benchmark = {
  name: 'small-changes',
  title: 'Small changes: nx affected -t docker-build after one change vs a cold build of the image',
  defaultRuns: 3,
  run: async ({ runs, checkpoint }) => {
    requireBuilder();
    const m = machine(dockerVersions());
    const clone = cloneHead('slipway-bench-small-');
    try {
      progress(`small-changes: clone ${clone.root}; filling the Nx cache and BuildKit's`);
      nx(clone.root, ['run-many', '-t', 'docker-build', '--outputStyle=stream'], { label: 'prep: nx run-many -t docker-build' });
      const samples: Record<string, number[]> = { api: [], web: [], lockfile: [] };
      const details: Record<string, { change: string; rebuilt: string[]; npmCiCached?: boolean; goModCached?: boolean }[]> = { api: [], web: [], lockfile: [] };
      const cold: Record<string, number[]> = { api: [], web: [] };
      const result = () => {
        return {
          machine: m,
          runs: cold['api']?.length ?? 0,
          runsPlanned: runs,
          scenarios: Object.fromEntries(scenarios.map((s) => [s.key, { what: s.what, expectedRebuilds: s.rebuilds, coldImage: s.coldImage, runs: details[s.key] }])),
          samplesMs: { nxAffected: samples, buildxCold: cold },
          summaryMs: {
            nxAffected: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)])),
            buildxCold: Object.fromEntries(Object.entries(cold).map(([k, v]) => [k, summarize(v)])),
          },
          ratios: Object.fromEntries(scenarios.map((s) => [s.key, pairedSpeedup(cold[s.coldImage] ?? [], samples[s.key] ?? [])])),
        };
      };
      for (let i = 1; i <= runs; i++) {
        for (const s of scenarios) {
          const change = s.edit(clone, i);
          clone.commit(`bench: ${s.key} change ${i}`);
          const r = nx(clone.root, ['affected', '-t', 'docker-build', '--base=HEAD~1', '--head=HEAD', '--outputStyle=stream'], {
            label: `run ${i}/${runs}: ${s.key} change, nx affected -t docker-build`,
          });
          const rebuilt = ran(r.output);
          if (rebuilt.join() !== s.rebuilds.join()) throw new Error(`${s.what}: expected ${s.rebuilds.join(', ') || 'no'} rebuild, Nx rebuilt ${rebuilt.join(', ') || 'nothing'}`);
          samples[s.key]?.push(r.ms);
          details[s.key]?.push({
            change,
            rebuilt,
            ...(rebuilt.includes('web') ? { npmCiCached: stepCached(r.output, /npm ci/) } : {}),
            ...(rebuilt.includes('api') ? { goModCached: stepCached(r.output, /go mod download/) } : {}),
          });
        }
        for (const image of ['api', 'web']) cold[image]?.push(plainBuild(clone, image, { noCache: true }).ms);
        checkpoint(result());
      }
      return result();
    } finally {
      removeBenchImages(['api', 'web']);
      clone.remove();
    }
  },
};
