import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DependencyType,
  type CreateDependencies,
  type CreateNodes,
  type ProjectGraphExternalNode,
  type RawProjectGraphDependency,
} from '@nx/devkit';
import { closureInputs, goExternalNodes, GO_BUILD_INPUT, type Input } from './build-inputs';
import { discoverGoProjects, goTargets, GO_MODULE_ROOT, type GoPluginOptions, type GoProject } from './go-projects';
import { isService, moduleInfo } from './module-info';

/**
 * Each service's build input (its closure, see build-inputs.ts) and the external
 * nodes of the Go modules the closures name. When go.mod cannot be read, every
 * service takes the whole module.
 */
function serviceInputs(workspaceRoot: string, projects: GoProject[]): {
  inputs: Map<string, Input[]>;
  externalNodes: Record<string, ProjectGraphExternalNode>;
} {
  const moduleDir = join(workspaceRoot, GO_MODULE_ROOT);
  const services = projects.filter((p) => isService(workspaceRoot, p));
  const info = moduleInfo(workspaceRoot, projects);
  let closures = services.map((s) => info.closures[s.name]);
  let externalNodes: Record<string, ProjectGraphExternalNode> = {};
  try {
    const goSum = existsSync(join(moduleDir, 'go.sum')) ? readFileSync(join(moduleDir, 'go.sum'), 'utf8') : '';
    externalNodes = goExternalNodes(closures, readFileSync(join(moduleDir, 'go.mod'), 'utf8'), goSum);
  } catch (e) {
    console.warn(`nx-go: ${e instanceof Error ? e.message : String(e)}; every Go service takes the whole Go module as its build input`);
    closures = services.map(() => undefined);
  }
  return { inputs: new Map(services.map((s, i) => [s.name, closureInputs(closures[i])])), externalNodes };
}

/** The project's own named inputs, when it has any. */
function namedInputs(p: GoProject, options: GoPluginOptions, closure: Input[] | undefined): { namedInputs?: Record<string, Input[]> } {
  // A test-only library adds nothing to its dependents' build and image hashes.
  if (options.testOnlyLibs?.includes(p.name)) return { namedInputs: { goSources: [] } };
  // A service builds (and its image is built) from its build closure alone.
  if (closure) return { namedInputs: { [GO_BUILD_INPUT]: closure } };
  return {};
}

/** Infers one Nx project per directory of go/apps and go/libs, from the module's go.mod. */
export const createNodes: CreateNodes<GoPluginOptions> = [
  `${GO_MODULE_ROOT}/go.mod`,
  (_files, options, context) => {
    const projects = discoverGoProjects(context.workspaceRoot);
    const { inputs, externalNodes } = serviceInputs(context.workspaceRoot, projects);
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
                targets: goTargets(p, options ?? {}, inputs.has(p.name)),
                ...namedInputs(p, options ?? {}, inputs.get(p.name)),
                implicitDependencies: options?.implicitDependencies?.[p.name] ?? [],
              },
            ]),
          ),
          externalNodes,
        },
      ],
    ];
  },
];

/** Adds an edge for every import of one Go project's package by another's. */
export const createDependencies: CreateDependencies<GoPluginOptions> = (options, context) => {
  if (!existsSync(join(context.workspaceRoot, GO_MODULE_ROOT, 'go.mod'))) return [];
  const { edges } = moduleInfo(context.workspaceRoot, discoverGoProjects(context.workspaceRoot));
  const testOnly = new Set(options?.testOnlyLibs ?? []);
  for (const e of edges) {
    if (!e.testOnly && testOnly.has(e.target)) {
      throw new Error(
        `${e.sourceFile} imports ${e.target} from production code, but nx.json lists it in testOnlyLibs (its files never reach an image hash): import it from _test.go files only, or take it out of testOnlyLibs`,
      );
    }
  }
  return edges.map(
    ({ source, target, sourceFile }): RawProjectGraphDependency => ({ source, target, sourceFile, type: DependencyType.static }),
  );
};
