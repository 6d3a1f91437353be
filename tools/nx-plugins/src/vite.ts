import { createNodesV2 as viteNodes } from '@nx/vite/plugin';
import { guardEnv } from './env-guard';
import { cachedNodes, projectInputsKey } from './result-cache';

/** @nx/vite's inference, leaving the Nx process's environment untouched, its answer kept while its inputs are (result-cache.ts). */
export const createNodesV2 = cachedNodes('vite', guardEnv(viteNodes), projectInputsKey);
