import { createNodesV2 as viteNodes } from '@nx/vite/plugin';
import { guardEnv } from './env-guard';

/** @nx/vite's inference, leaving the Nx process's environment untouched. */
export const createNodesV2 = guardEnv(viteNodes);
