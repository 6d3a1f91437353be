import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesContextV2, CreateNodesV2 } from '@nx/devkit';
import { resetWorkspaceContext } from '@nx/devkit/internal';
import { eslintInputsKey } from './eslint';
import { cachedNodes, projectInputsKey, type InputsKey } from './result-cache';

// One workspace per test, and a stand-in plugin that counts how often it is asked.
let root: string;
let calls: number;
const dataDir = () => join(root, '.nx', 'workspace-data');
const plugin: CreateNodesV2<{ targetName?: string }> = [
  '**/*.config.*',
  async (files, options) => {
    calls++;
    return files.map((f) => [f, { projects: { [dirname(f)]: { targets: { [options?.targetName ?? 'lint']: { command: `run ${calls}` } } } } }] as const);
  },
];
const write = (file: string, text: string) => {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
  // Nx refreshes its view of the workspace's files once per command; a test starts a new one.
  resetWorkspaceContext();
};
const runner = (name: string, key: InputsKey, defaultFiles: string[]) => (files = defaultFiles, options: { targetName?: string } = { targetName: 'lint' }) =>
  cachedNodes(name, plugin, key, dataDir())[1](files, options, { workspaceRoot: root, nxJsonConfiguration: {} } as CreateNodesContextV2);

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'slipway-result-cache-'));
  calls = 0;
  write('package-lock.json', '{}');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
  resetWorkspaceContext();
});

/** The cases in which the plugin must be asked again: after a first run, `change` is made and the plugin runs a second time. */
async function asksAgain(run: () => unknown, change: () => void): Promise<void> {
  await run();
  change();
  await run();
  expect(calls).toBe(2);
}

describe('cachedNodes with the ESLint key', () => {
  const run = runner('eslint', eslintInputsKey, ['libs/a/eslint.config.mjs', 'libs/a/package.json']);
  beforeEach(() => {
    write('libs/a/eslint.config.mjs', 'export default [];\n');
    write('libs/a/package.json', '{"name":"a"}');
    write('libs/a/src/index.ts', 'export const a = 1;\n');
  });

  it('answers from its file in the workspace data while nothing it reads changed', async () => {
    const first = await run();
    expect(calls).toBe(1);
    expect(await run()).toEqual(first);
    expect(calls).toBe(1);
    expect(readdirSync(dataDir()).filter((f) => f.startsWith('slipway-eslint-') && f.endsWith('.hash'))).toHaveLength(1);
  });

  it.each([
    ['a config file changes', () => write('libs/a/eslint.config.mjs', 'export default [{ ignores: ["dist"] }];\n')],
    ['a project file changes', () => write('libs/a/package.json', '{"name":"a","version":"1.0.0"}')],
    ['a tsconfig appears', () => write('libs/a/tsconfig.json', '{}')],
    ['an ignore file appears', () => write('libs/a/.eslintignore', 'dist\n')],
    ['the lockfile changes', () => write('package-lock.json', '{"lockfileVersion":3}')],
    ['a base config appears at the root', () => write('eslint.base.config.mjs', 'export default [];\n')],
    ['a lintable file appears', () => write('libs/a/src/more.tsx', 'export const b = 2;\n')],
  ])('asks @nx/eslint again when %s', (_why, change) => asksAgain(run, change));

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

describe('cachedNodes with the Vite and Vitest key', () => {
  const run = runner('vite', projectInputsKey, ['apps/web/vite.config.ts']);
  beforeEach(() => {
    write('package.json', '{"workspaces":["apps/*"]}');
    write('nx.json', '{}');
    write('apps/web/vite.config.ts', 'export default {};\n');
    write('apps/web/package.json', '{"name":"web"}');
    write('apps/web/src/main.ts', 'export const a = 1;\n');
    write('apps/web/src/main.test.ts', "it('a', () => {});\n");
    write('apps/web/src/__snapshots__/main.test.ts.snap', 'exports[`a`] = 1;\n');
  });

  it('keeps its answer when only the content of a test changes', async () => {
    const first = await run();
    write('apps/web/src/main.test.ts', "it('a', () => {});\nit('b', () => {});\n");
    write('apps/web/src/__snapshots__/main.test.ts.snap', 'exports[`a`] = 2;\n');
    expect(await run()).toEqual(first);
    expect(calls).toBe(1);
  });

  it.each([
    ['a source file changes', () => write('apps/web/src/main.ts', 'export const a = 2;\n')],
    ['the config changes', () => write('apps/web/vite.config.ts', "export default { build: { outDir: 'out' } };\n")],
    ['a test file appears', () => write('apps/web/src/other.spec.tsx', "it('c', () => {});\n")],
    ['a tsconfig changes', () => write('apps/web/tsconfig.json', '{}')],
    ['the lockfile changes', () => write('package-lock.json', '{"lockfileVersion":3}')],
    ["the workspace's package.json changes", () => write('package.json', '{"workspaces":["apps/*","libs/*"]}')],
    ['nx.json changes', () => write('nx.json', '{"plugins":[]}')],
  ])('asks the plugin again when %s', (_why, change) => asksAgain(run, change));

  it('asks again for another set of config files', async () => {
    write('apps/admin/vite.config.ts', 'export default {};\n');
    await run();
    await run(['apps/web/vite.config.ts', 'apps/admin/vite.config.ts']);
    expect(calls).toBe(2);
  });
});
