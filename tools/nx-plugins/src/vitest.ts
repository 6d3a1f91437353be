import { createNodesV2 as vitestNodes } from '@nx/vitest';
import { guardEnv } from './env-guard';
import { cachedNodes, projectInputsKey } from './result-cache';

/** @nx/vitest's inference, leaving the Nx process's environment untouched, its answer kept while its inputs are (result-cache.ts). */
export const createNodesV2 = cachedNodes('vitest', guardEnv(vitestNodes), projectInputsKey);
