// Nothing changed: on a commit that touches no image input, `nx affected -t docker-build`
// (and `nx run-many -t docker-build`) against `docker buildx build` of every image with
// BuildKit's cache warm.
import { images, plainBuild, removeBenchImages, requireBuilder, dockerVersions } from './lib/docker';
import type { Benchmark } from './lib/bench';
import { machine } from './lib/results';
import { nx, progress, ran, taskRuns } from './lib/run';
import { pairedSpeedup, summarize } from './lib/stats';
import { cloneHead } from './lib/workspace';

/** A file in no image: a test of web (tests are kept out of the image hash and the build context). */
const CHANGED = 'apps/web/src/app/app.test.tsx';

export const noChange: Benchmark = {
  name: 'no-change',
  title: 'Nothing changed: nx affected -t docker-build vs docker buildx build (warm BuildKit)',
  defaultRuns: 5,
  run: async ({ runs }) => {
    requireBuilder();
    const m = machine(dockerVersions());
    const clone = cloneHead('slipway-bench-no-change-');
    const projects = [...images(clone.root).keys()].sort();
    try {
      progress(`no-change: clone ${clone.root}; images ${projects.join(', ')}; filling the Nx cache and BuildKit's`);
      nx(clone.root, ['run-many', '-t', 'docker-build', '--outputStyle=stream'], { label: 'prep: nx run-many -t docker-build' });
      const affected: number[] = [];
      const runMany: number[] = [];
      const plain: number[] = [];
      const plainPerImage: Record<string, number[]> = Object.fromEntries(projects.map((p) => [p, []]));
      let affectedProjects: string[] = [];
      for (let i = 0; i < runs; i++) {
        // A new commit each run, so neither side can reuse the previous run's answer for this commit.
        clone.append(CHANGED, `\n// bench: no-change run ${i + 1}\n`);
        clone.commit(`bench: touch a web test (${i + 1})`);
        const a = nx(clone.root, ['affected', '-t', 'docker-build', '--base=HEAD~1', '--head=HEAD', '--outputStyle=stream'], {
          label: `run ${i + 1}/${runs}: nx affected -t docker-build`,
        });
        if (ran(a.output).length) throw new Error(`nx affected rebuilt ${ran(a.output).join(', ')} on a commit that touches no image input`);
        affectedProjects = taskRuns(a.output, 'docker-build').map((t) => `${t.project} [${t.cache}]`);
        affected.push(a.ms);
        const r = nx(clone.root, ['run-many', '-t', 'docker-build', '--outputStyle=stream'], { label: `run ${i + 1}/${runs}: nx run-many -t docker-build` });
        if (ran(r.output).length) throw new Error(`nx run-many rebuilt ${ran(r.output).join(', ')} on a commit that touches no image input`);
        runMany.push(r.ms);
        let total = 0;
        for (const p of projects) {
          const b = plainBuild(clone, p);
          plainPerImage[p]?.push(b.ms);
          total += b.ms;
        }
        plain.push(total);
      }
      const s = { affected: summarize(affected), runMany: summarize(runMany), plain: summarize(plain) };
      return {
        machine: m,
        runs,
        change: CHANGED,
        images: projects,
        affectedTasks: affectedProjects,
        samplesMs: { nxAffected: affected, nxRunMany: runMany, buildxAllImages: plain, buildxPerImage: plainPerImage },
        summaryMs: {
          nxAffected: s.affected,
          nxRunMany: s.runMany,
          buildxAllImages: s.plain,
          buildxPerImage: Object.fromEntries(Object.entries(plainPerImage).map(([k, v]) => [k, summarize(v)])),
        },
        ratios: { buildxOverNxAffected: pairedSpeedup(plain, affected), buildxOverNxRunMany: pairedSpeedup(plain, runMany) },
      };
    } finally {
      removeBenchImages(projects);
      clone.remove();
    }
  },
};
