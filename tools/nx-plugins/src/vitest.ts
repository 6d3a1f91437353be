import { createNodesV2 as vitestNodes } from '@nx/vitest';
import { guardEnv } from './env-guard';

/** @nx/vitest's inference, leaving the Nx process's environment untouched. */
export const createNodesV2 = guardEnv(vitestNodes);
