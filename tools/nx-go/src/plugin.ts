import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workspaceDataDirectory } from '@nx/devkit/internal';
import {
  DependencyType,
  type CreateDependencies,
  type CreateNodes,
  type RawProjectGraphDependency,
} from '@nx/devkit';
import { listPackages, projectEdges, type GoEdge } from './go-deps';
import { discoverGoProjects, goTargets, GO_MODULE_ROOT, type GoPluginOptions } from './go-projects';

/** Infers one Nx project per directory of go/apps and go/libs, from the module's go.mod. */
export const createNodes: CreateNodes<GoPluginOptions> = [
  `${GO_MODULE_ROOT}/go.mod`,
  (_files, options, context) => {
    const projects = discoverGoProjects(context.workspaceRoot);
    return [
      [
        `${GO_MODULE_ROOT}/go.mod`,
        {
          projects: Object.fromEntries(
            projects.map((p) => [
              p.root,
              {
                name: p.name,
                root: p.root,
                projectType: p.kind === 'app' ? 'application' : 'library',
                tags: [`type:${p.kind}`, p.kind === 'app' ? `scope:${p.name}` : 'scope:shared', 'lang:go'],
                targets: goTargets(p, options ?? {}),
                // A test-only library adds nothing to its dependents' build and image hashes.
                ...(options?.testOnlyLibs?.includes(p.name) ? { namedInputs: { goSources: [] } } : {}),
                implicitDependencies: options?.implicitDependencies?.[p.name] ?? [],
              },
            ]),
          ),
        },
      ],
    ];
  },
];

interface EdgeCache {
  key: string;
  edges: GoEdge[];
}

let cached: EdgeCache | undefined;

/** `go list` costs a few hundred ms, so its answer is kept on disk for the next Nx process too. */
function readEdgeCache(file: string): EdgeCache | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as EdgeCache;
  } catch {
    return undefined;
  }
}

function writeEdgeCache(file: string, cache: EdgeCache): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(cache));
  renameSync(tmp, file);
}

/** Adds an edge for every import of one Go project's package by another's. */
export const createDependencies: CreateDependencies<GoPluginOptions> = (options, context) => {
  const moduleDir = join(context.workspaceRoot, GO_MODULE_ROOT);
  if (!existsSync(join(moduleDir, 'go.mod'))) return [];
  const projects = discoverGoProjects(context.workspaceRoot);
  // The answer only depends on the Go files and go.mod, so key it by their hashes.
  const hash = createHash('sha256').update(`edges-v2\0${context.workspaceRoot}\0`);
  for (const p of projects) {
    for (const f of context.fileMap.projectFileMap[p.name] ?? []) {
      if (f.file.endsWith('.go')) hash.update(`${f.file}\0${f.hash}\0`);
    }
  }
  for (const f of context.fileMap.nonProjectFiles) {
    if (f.file === `${GO_MODULE_ROOT}/go.mod`) hash.update(`${f.file}\0${f.hash}\0`);
  }
  const key = hash.digest('hex');
  const root = createHash('sha256').update(context.workspaceRoot).digest('hex').slice(0, 12);
  const file = join(workspaceDataDirectory, `nx-go-edges-${root}.json`);
  if (cached?.key !== key) cached = readEdgeCache(file);
  if (cached?.key !== key) {
    cached = { key, edges: projectEdges(listPackages(moduleDir), projects, context.workspaceRoot) };
    writeEdgeCache(file, cached);
  }
  const testOnly = new Set(options?.testOnlyLibs ?? []);
  for (const e of cached.edges) {
    if (!e.testOnly && testOnly.has(e.target)) {
      throw new Error(
        `${e.sourceFile} imports ${e.target} from production code, but nx.json lists it in testOnlyLibs (its files never reach an image hash): import it from _test.go files only, or take it out of testOnlyLibs`,
      );
    }
  }
  return cached.edges.map(
    ({ source, target, sourceFile }): RawProjectGraphDependency => ({ source, target, sourceFile, type: DependencyType.static }),
  );
};
