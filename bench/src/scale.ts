// Scale: a generated workspace of 10, 50 and 200 image projects (Go services sharing Go
// libraries, about one in five a web app) on top of a clone of the repository; the time of
// the affected computation and of a no-change `nx affected -t docker-build` as it grows.
// Nothing is built: the no-change commit touches a doc, so no docker-build task runs.
// At each size it also measures the Go plugin's own cost in a cold graph, this checkout's
// plugin beside the one before it hashed build closures (bench/graph/go-plugin.ts), and
// at the largest size the cold graph with each of the two.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Benchmark } from './lib/bench';
import { machine } from './lib/results';
import { NEW_PLUGIN, OLD_PLUGIN_REF, writeOldPlugin, type PluginSample } from '../graph/go-plugin';
import { nx, nxEnv, progress, ran, timed } from './lib/run';
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
        const goPlugin = goPluginCost(clone.root, runs, size === SIZES[SIZES.length - 1]);

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
          goPlugin,
        });
      } finally {
        clone.remove();
      }
    }
    return { machine: m, runs, points };
  },
};

/** The Go plugin's cost in a cold graph, the old one and this checkout's, measured in turn in the same workspace. */
export interface GoPluginCost {
  /** The commit the old plugin comes from. */
  oldPluginRef: string;
  /** createNodes + createDependencies with empty caches, called directly (bench/graph/go-plugin.ts), ms. */
  samplesMs: { old: PluginSample[]; new: PluginSample[] };
  summaryMs: { old: ReturnType<typeof summarize>; new: ReturnType<typeof summarize> };
  /** Median new / median old. */
  ratio: number;
  /** A cold `nx show projects` (.nx/workspace-data removed) with each plugin in nx.json, in turn: at the largest size only. */
  coldGraphMs?: { old: number[]; new: number[] };
}

function goPluginCost(root: string, runs: number, withGraphs: boolean): GoPluginCost {
  const oldPlugin = writeOldPlugin(root);
  const r = timed('node', ['-r', '@swc-node/register', 'bench/graph/go-plugin.ts', '--old', oldPlugin, '--runs', String(runs)], {
    cwd: root,
    env: nxEnv({ NX_CACHE_DIRECTORY: join(root, '.nx', 'cache') }),
    label: `Go plugin, cold, old and new in turn (${runs} runs)`,
  });
  const samplesMs = JSON.parse(r.output.trim().split('\n').filter((l) => l.startsWith('{"old":')).at(-1) ?? '{}') as GoPluginCost['samplesMs'];
  const summaryMs = { old: summarize(samplesMs.old.map((x) => x.total)), new: summarize(samplesMs.new.map((x) => x.total)) };
  const ratio = summaryMs.new.median / summaryMs.old.median;
  progress(`Go plugin, cold: old ${Math.round(summaryMs.old.median)} ms, new ${Math.round(summaryMs.new.median)} ms (×${ratio.toFixed(2)})`);
  const cost: GoPluginCost = { oldPluginRef: OLD_PLUGIN_REF, samplesMs, summaryMs, ratio };
  if (!withGraphs) return cost;
  // The whole cold graph with each plugin registered in nx.json, in turn; nx.json is restored after.
  const nxJsonPath = join(root, 'nx.json');
  const nxJson = readFileSync(nxJsonPath, 'utf8');
  if (!nxJson.includes(`"./${NEW_PLUGIN}"`)) throw new Error(`nx.json does not register ./${NEW_PLUGIN}`);
  const graphs: { old: number[]; new: number[] } = { old: [], new: [] };
  try {
    for (let i = 0; i < runs; i++) {
      for (const which of i % 2 === 0 ? (['old', 'new'] as const) : (['new', 'old'] as const)) {
        writeFileSync(nxJsonPath, which === 'old' ? nxJson.replace(`"./${NEW_PLUGIN}"`, `"./${oldPlugin}"`) : nxJson);
        rmSync(join(root, '.nx', 'workspace-data'), { recursive: true, force: true });
        graphs[which].push(nx(root, ['show', 'projects', '--json'], { label: `cold graph with the ${which} Go plugin, run ${i + 1}/${runs}` }).ms);
      }
    }
  } finally {
    writeFileSync(nxJsonPath, nxJson);
  }
  return { ...cost, coldGraphMs: graphs };
}

