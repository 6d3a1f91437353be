import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesContextV2, CreateNodesV2 } from '@nx/devkit';
import { resetWorkspaceContext } from '@nx/devkit/internal';
import { cachedNodes, projectInputsKey } from './result-cache';

describe('cachedNodes with the Vite and Vitest key', () => {
  let root: string;
  let calls: number;
  const inner: CreateNodesV2<{ buildTargetName?: string }> = [
    '**/vite.config.{ts,mts}',
    async (files) => {
      calls++;
      return files.map((f) => [f, { projects: { [dirname(f)]: { targets: { build: { command: `vite build ${calls}` } } } } }] as const);
    },
  ];
  const write = (file: string, text: string) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
    // Nx refreshes its view of the workspace's files once per command; a test starts a new one.
    resetWorkspaceContext();
  };
  const run = (files = ['apps/web/vite.config.ts']) =>
    cachedNodes('vite', inner, projectInputsKey, join(root, '.nx', 'workspace-data'))[1](files, { buildTargetName: 'build' }, {
      workspaceRoot: root,
      nxJsonConfiguration: {},
    } as CreateNodesContextV2);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'slipway-result-cache-'));
    calls = 0;
    write('package-lock.json', '{}');
    write('package.json', '{"workspaces":["apps/*"]}');
    write('nx.json', '{}');
    write('apps/web/vite.config.ts', 'export default {};\n');
    write('apps/web/package.json', '{"name":"web"}');
    write('apps/web/src/main.ts', 'export const a = 1;\n');
    write('apps/web/src/main.test.ts', "it('a', () => {});\n");
    write('apps/web/src/__snapshots__/main.test.ts.snap', 'exports[`a`] = 1;\n');
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    resetWorkspaceContext();
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
  ])('asks the plugin again when %s', async (_why, change) => {
    await run();
    change();
    await run();
    expect(calls).toBe(2);
  });

  it('asks again for another set of config files', async () => {
    write('apps/admin/vite.config.ts', 'export default {};\n');
    await run();
    await run(['apps/web/vite.config.ts', 'apps/admin/vite.config.ts']);
    expect(calls).toBe(2);
  });
});
