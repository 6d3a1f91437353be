import type { CreateNodesContextV2 } from '@nx/devkit';
import { globWithWorkspaceContext, hashObject, hashWithWorkspaceContext } from '@nx/devkit/internal';
import { createNodesV2 as eslintNodes } from '@nx/eslint/plugin';
import { cachedNodes } from './result-cache';

/** The files @nx/eslint infers a project's lint target from (besides the configs it is handed). */
const READS = ['**/.eslintignore', '**/tsconfig*.json', 'package-lock.json', '.eslintrc.base.json', 'eslint.base.config.*'];
/** What @nx/eslint counts as lintable: a project gets a lint target only when it has one of these. */
const LINTABLE = ['**/*.{ts,cts,mts,tsx,js,cjs,mjs,jsx,html,vue}'];

/**
 * Everything @nx/eslint's answer depends on: its options, the config and project files it is
 * handed and their contents, the ignore files, tsconfigs and lockfile it reads, and which
 * lintable files exist (their paths: whether ESLint ignores a file depends on its path alone).
 */
export async function eslintInputsKey(configFiles: readonly string[], options: unknown, context: CreateNodesContextV2): Promise<string> {
  const root = context.workspaceRoot;
  const [contents, reads, lintable] = await Promise.all([
    configFiles.length ? hashWithWorkspaceContext(root, [...configFiles]) : Promise.resolve(''),
    hashWithWorkspaceContext(root, READS),
    globWithWorkspaceContext(root, LINTABLE),
  ]);
  return hashObject({
    options: options ?? {},
    configFiles: [...configFiles].sort(),
    contents,
    reads,
    lintable: hashObject(lintable.sort()),
    flat: process.env['ESLINT_USE_FLAT_CONFIG'] ?? '',
  });
}

/**
 * @nx/eslint's inference, its whole answer cached under the key above (result-cache.ts). On a
 * hit it never loads ESLint, which is most of its cost even when its own per-project cache
 * answers: 0.2 s of a warm Nx command.
 */
export const createNodesV2 = cachedNodes('eslint', eslintNodes, eslintInputsKey);
