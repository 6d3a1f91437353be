import { existsSync } from 'node:fs';
import { join, posix } from 'node:path';
import { readJsonFile, type CreateNodes, type CreateNodesResult } from '@nx/devkit';

export interface TypecheckPluginOptions {
  /** The inferred target's name; `typecheck` unless set. */
  targetName?: string;
}

interface TsConfig {
  files?: unknown[];
  include?: unknown[];
  references?: { path: string }[];
}

/**
 * The root of the project a file belongs to: the nearest directory at or above it
 * with a package.json or project.json, or undefined when that is the workspace root
 * (which is no project here).
 */
export function projectRootOf(workspaceRoot: string, file: string): string | undefined {
  for (let dir = posix.dirname(file); dir !== '.'; dir = posix.dirname(dir)) {
    if (existsSync(join(workspaceRoot, dir, 'package.json')) || existsSync(join(workspaceRoot, dir, 'project.json'))) return dir;
  }
  return undefined;
}

/**
 * The configs tsc is run on for one tsconfig file: the file itself, or, for a
 * solution-style one (`"files": []` and `references`, which tsc -p alone checks
 * nothing of), the configs it references, in order.
 */
export function checkedConfigs(workspaceRoot: string, file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const config = readJsonFile<TsConfig>(join(workspaceRoot, file));
  const solution = Array.isArray(config.files) && config.files.length === 0 && config.include === undefined;
  if (!solution || !config.references?.length) return [file];
  return config.references.flatMap((ref) => {
    const target = posix.join(posix.dirname(file), ref.path);
    const path = target.endsWith('.json') ? target : posix.join(target, 'tsconfig.json');
    return checkedConfigs(workspaceRoot, path, seen);
  });
}

/** One `tsc --noEmit -p` per config, run from the workspace root, stopping at the first that fails. */
export function typecheckCommand(configs: string[]): string {
  return configs.map((c) => `tsc --noEmit -p ${c}`).join(' && ');
}

/**
 * Gives every project with a tsconfig.json a typecheck target that checks each of
 * its tsconfig.json files (the project's own and nested ones such as a server's),
 * without emitting. Cache and inputs come from nx.json's targetDefaults. Why this
 * rather than project references and @nx/js/typescript: docs/adr/0002-typecheck-inference.md.
 */
export const createNodes: CreateNodes<TypecheckPluginOptions> = [
  '**/tsconfig.json',
  (files, options, context) => {
    const byProject = new Map<string, string[]>();
    for (const file of files) {
      const root = projectRootOf(context.workspaceRoot, file);
      if (root !== undefined) byProject.set(root, [...(byProject.get(root) ?? []), file]);
    }
    const targetName = options?.targetName ?? 'typecheck';
    return [...byProject].map(([root, configs]): [string, CreateNodesResult] => {
      // The project's own tsconfig.json first, then nested ones by path.
      const ordered = [...configs].sort((a, b) => depth(a) - depth(b) || a.localeCompare(b));
      // One seen set for the project, so that a nested config a solution references is checked once.
      const seen = new Set<string>();
      const checked = ordered.flatMap((file) => checkedConfigs(context.workspaceRoot, file, seen));
      return [
        ordered[0] as string,
        {
          projects: {
            [root]: {
              targets: {
                [targetName]: {
                  executor: 'nx:run-commands',
                  options: { command: typecheckCommand(checked) },
                  metadata: {
                    description: `Type-check ${checked.join(', ')} (tsc --noEmit)`,
                    technologies: ['typescript'],
                  },
                },
              },
            },
          },
        },
      ];
    });
  },
];

const depth = (path: string): number => path.split('/').length;
