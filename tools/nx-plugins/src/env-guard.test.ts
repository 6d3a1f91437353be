import type { CreateNodesContextV2, CreateNodesV2 } from '@nx/devkit';
import { guardEnv } from './env-guard';

const context = { workspaceRoot: '/ws', nxJsonConfiguration: {} } as CreateNodesContextV2;

describe('guardEnv', () => {
  afterEach(() => {
    delete process.env.GUARD_ADDED;
    delete process.env.GUARD_KEPT;
  });

  it('undoes what the plugin adds, changes or deletes in process.env, and passes its result on', async () => {
    process.env.GUARD_KEPT = 'before';
    const plugin: CreateNodesV2<{ n: number }> = [
      '**/vite.config.*',
      async (files, options) => {
        process.env.GUARD_ADDED = 'development';
        process.env.GUARD_KEPT = 'changed';
        return files.map((f) => [f, { projects: { [String(options?.n)]: { root: '.' } } }]);
      },
    ];
    const [pattern, createNodes] = guardEnv(plugin);
    expect(pattern).toBe('**/vite.config.*');
    const result = await createNodes(['apps/web/vite.config.mts'], { n: 1 }, context);
    expect(result).toEqual([['apps/web/vite.config.mts', { projects: { '1': { root: '.' } } }]]);
    expect(process.env.GUARD_ADDED).toBeUndefined();
    expect(process.env.GUARD_KEPT).toBe('before');
  });

  it('restores the environment when the plugin throws', async () => {
    const [, createNodes] = guardEnv([
      '*',
      async () => {
        process.env.GUARD_ADDED = 'x';
        delete process.env.GUARD_KEPT;
        throw new Error('no config');
      },
    ]);
    process.env.GUARD_KEPT = 'before';
    await expect(createNodes([], undefined, context)).rejects.toThrow('no config');
    expect(process.env.GUARD_ADDED).toBeUndefined();
    expect(process.env.GUARD_KEPT).toBe('before');
  });
});
