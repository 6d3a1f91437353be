// Scale: a generated workspace of 10, 50 and 200 image projects (Go services sharing Go
// libraries, about one in five a web app) on top of a clone of the repository; the time of
// the affected computation and of a no-change `nx affected -t docker-build` as it grows.
// Nothing is built: the no-change commit touches a doc, so no docker-build task runs.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Benchmark } from './lib/bench';
import { machine } from './lib/results';
import { nx, progress, ran } from './lib/run';
import { scaleWorkspace } from './lib/scale-workspace';
import { summarize } from './lib/stats';
import { cloneHead } from './lib/workspace';

/** Image projects per workspace (the repository's own web, api and cache included). */
export const SIZES = [10, 50, 200] as const;

export const scale: Benchmark = {
  name: 'scale',
  title: 'Scale: affected computation and no-change nx affected -t docker-build vs number of image projects',
  defaultRuns: 3,
  run: async ({ runs }) => {
    const m = machine();
    const points = [];
    for (const size of SIZES) {
      const clone = cloneHead(`slipway-bench-scale-${size}-`);
      try {
        const ws = scaleWorkspace(size, clone.read('apps/web/Dockerfile'));
        for (const [file, text] of Object.entries(ws.files)) {
          mkdirSync(dirname(join(clone.root, file)), { recursive: true });
          writeFileSync(join(clone.root, file), text);
        }
        clone.commit(`bench: ${size} image projects`);
        progress(`scale: ${size} image projects (${ws.goServices.length} generated Go services, ${ws.webApps.length} web apps, ${ws.goLibs.length} Go libraries) in ${clone.root}`);
        // The first graph of a clone is cold (.nx/workspace-data empty): timed apart.
        const cold = nx(clone.root, ['show', 'projects', '--withTarget', 'docker-build', '--json'], { label: `${size}: cold graph, nx show projects` });
        const imageProjects = (JSON.parse(cold.output.slice(cold.output.indexOf('['), cold.output.lastIndexOf(']') + 1)) as string[]).length;
        if (imageProjects !== size) throw new Error(`the ${size}-project workspace has ${imageProjects} projects with docker-build`);

        // A change to a shared Go library: the affected computation has something to walk.
        const changedLib = size > 3 ? `go/libs/${ws.changedLib}/${ws.changedLib}.go` : 'go/libs/httpx/server.go';
        clone.append(changedLib, '\n// bench: scale change\n');
        clone.commit('bench: change a shared Go library');
        const affected: number[] = [];
        let affectedCount = 0;
        for (let i = 0; i < runs; i++) {
          const r = nx(clone.root, ['show', 'projects', '--affected', '--withTarget', 'docker-build', '--base=HEAD~1', '--head=HEAD', '--json'], {
            label: `${size}: run ${i + 1}/${runs}, nx show projects --affected`,
          });
          affectedCount = (JSON.parse(r.output.slice(r.output.indexOf('['), r.output.lastIndexOf(']') + 1)) as string[]).length;
          affected.push(r.ms);
        }

        // A commit that touches no project: nothing is affected, no image is built.
        clone.append('README.md', '\nbench: a doc change\n');
        clone.commit('bench: a doc change');
        const noChange: number[] = [];
        for (let i = 0; i < runs; i++) {
          const r = nx(clone.root, ['affected', '-t', 'docker-build', '--base=HEAD~1', '--head=HEAD', '--outputStyle=stream'], {
            label: `${size}: run ${i + 1}/${runs}, no-change nx affected -t docker-build`,
          });
          if (ran(r.output).length) throw new Error(`a doc change built ${ran(r.output).join(', ')}`);
          noChange.push(r.ms);
        }
        points.push({
          imageProjects: size,
          generated: { goServices: ws.goServices.length, webApps: ws.webApps.length, goLibs: ws.goLibs.length },
          changedLib,
          affectedByLibChange: affectedCount,
          samplesMs: { coldGraph: [cold.ms], showAffected: affected, noChangeAffectedBuild: noChange },
          summaryMs: { showAffected: summarize(affected), noChangeAffectedBuild: summarize(noChange) },
        });
      } finally {
        clone.remove();
      }
    }
    return { machine: m, runs, points };
  },
};
