import type { ProjectGraphExternalNode, TargetConfiguration } from '@nx/devkit';
import type { ServiceClosure } from './go-closure';
import { directivesHash, goDirective, goModDirectives, goSumLines, moduleHash, type LinkedModule } from './go-mod';
import { GO_MODULE_ROOT } from './go-projects';

/** One input of a target, as nx.json and the plugins write them. */
export type Input = NonNullable<TargetConfiguration['inputs']>[number];

/** The named input of a Go service's `build` and `docker-build`: its build closure. */
export const GO_BUILD_INPUT = 'goBuild';

/** The external node of go.mod's directives other than `require`: every Go service depends on it. */
export const GO_MOD_NODE = 'go:go.mod';

/** External node name of a Go module. */
export const moduleNode = (path: string): string => `go:${path}`;

/** What a service takes when its closure is unknown: every non-test file of the module, go.mod and go.sum included. */
export const WHOLE_MODULE: string[] = [
  `{workspaceRoot}/${GO_MODULE_ROOT}/**/*`,
  `!{workspaceRoot}/${GO_MODULE_ROOT}/**/*_test.go`,
  `!{workspaceRoot}/${GO_MODULE_ROOT}/**/testdata/**/*`,
  `!{workspaceRoot}/${GO_MODULE_ROOT}/**/*.md`,
];

/** A file as an input pattern; a glob character in its name becomes `?` (matching a superset is safe). */
const filePattern = (file: string): string => `{workspaceRoot}/${file.replace(/[*?[\]{}()!+@]/g, '?')}`;

/** The inputs of one service's build: its closure's files, its modules and go.mod's directives, or the whole module. */
export function closureInputs(closure: ServiceClosure | undefined): Input[] {
  if (!closure) return [...WHOLE_MODULE];
  return [...closure.files.map(filePattern), { externalDependencies: [GO_MOD_NODE, ...closure.modules.map((m) => moduleNode(m.path))] }];
}

/**
 * The external nodes the closures name: one per linked module, hashed from its
 * version and its go.sum lines at that version (a go.sum line of another version
 * changes nothing), and go.mod's directives, hashed from everything in go.mod
 * but the requirements. Throws when go.mod cannot be read that way.
 */
export function goExternalNodes(closures: readonly (ServiceClosure | undefined)[], goMod: string, goSum: string): Record<string, ProjectGraphExternalNode> {
  const directives = goModDirectives(goMod);
  const sums = goSumLines(goSum);
  const nodes: Record<string, ProjectGraphExternalNode> = {
    [GO_MOD_NODE]: {
      type: 'go',
      name: GO_MOD_NODE,
      data: { version: goDirective(directives), packageName: 'go.mod', hash: directivesHash(directives) },
    },
  };
  const modules = new Map<string, LinkedModule>();
  for (const c of closures) for (const m of c?.modules ?? []) modules.set(m.path, m);
  for (const m of modules.values()) {
    const name = moduleNode(m.path);
    nodes[name] = { type: 'go', name, data: { version: m.version, packageName: m.path, hash: moduleHash(m, sums) } };
  }
  return nodes;
}
