import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesContextV2, CreateNodesV2 } from '@nx/devkit';
import { resetWorkspaceContext } from '@nx/devkit/internal';
import { eslintInputsKey } from './eslint';
import { cachedNodes } from './result-cache';

describe('cachedNodes with the ESLint key', () => {
  let root: string;
  let dataDir: string;
  let calls: number;
  const inner: CreateNodesV2<{ targetName?: string }> = [
    '**/eslint.config.mjs',
    async (files, options) => {
      calls++;
      return files.map((f) => [f, { projects: { [dirname(f)]: { targets: { [options?.targetName ?? 'lint']: { command: `eslint ${calls}` } } } } }] as const);
    },
  ];
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
    // Nx refreshes its view of the workspace's files once per command; a test starts a new one.
    resetWorkspaceContext();
  };
  const run = (files = ['libs/a/eslint.config.mjs', 'libs/a/package.json'], options = { targetName: 'lint' }) => {
    const [, createNodes] = cachedNodes('eslint', inner, eslintInputsKey, dataDir);
    return createNodes(files, options, { workspaceRoot: root, nxJsonConfiguration: {} } as CreateNodesContextV2);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-eslint-cache-'));
    dataDir = join(root, '.nx', 'workspace-data');
    calls = 0;
    write('package-lock.json', '{}');
    write('libs/a/eslint.config.mjs', 'export default [];\n');
    write('libs/a/package.json', '{"name":"a"}');
    write('libs/a/src/index.ts', 'export const a = 1;\n');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    resetWorkspaceContext();
  });

  it('answers from its file in the workspace data while nothing it reads changed', async () => {
    const first = await run();
    expect(calls).toBe(1);
    expect(await run()).toEqual(first);
    expect(calls).toBe(1);
    expect(readdirSync(dataDir).filter((f) => f.startsWith('slipway-eslint-') && f.endsWith('.hash'))).toHaveLength(1);
  });

  it.each([
    ['a config file changes', () => write('libs/a/eslint.config.mjs', 'export default [{ ignores: ["dist"] }];\n')],
    ['a project file changes', () => write('libs/a/package.json', '{"name":"a","version":"1.0.0"}')],
    ['a tsconfig appears', () => write('libs/a/tsconfig.json', '{}')],
    ['an ignore file appears', () => write('libs/a/.eslintignore', 'dist\n')],
    ['the lockfile changes', () => write('package-lock.json', '{"lockfileVersion":3}')],
    ['a base config appears at the root', () => write('eslint.base.config.mjs', 'export default [];\n')],
    ['a lintable file appears', () => write('libs/a/src/more.tsx', 'export const b = 2;\n')],
  ])('asks @nx/eslint again when %s', async (_why, change) => {
    await run();
    change();
    await run();
    expect(calls).toBe(2);
  });

  it('asks again for other options or other config files, and keeps nothing of a failed run', async () => {
    await run();
    await run(undefined, { targetName: 'eslint' });
    await run(['libs/a/eslint.config.mjs']);
    expect(calls).toBe(3);
    const failing = cachedNodes('eslint', ['**/eslint.config.mjs', async () => Promise.reject(new Error('no ESLint'))], eslintInputsKey, join(root, 'other'));
    await expect(failing[1](['libs/a/eslint.config.mjs'], {}, { workspaceRoot: root, nxJsonConfiguration: {} } as CreateNodesContextV2)).rejects.toThrow('no ESLint');
    expect(existsSync(join(root, 'other'))).toBe(false);
  });
});
