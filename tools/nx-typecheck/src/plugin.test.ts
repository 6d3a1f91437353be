import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateNodesContext, CreateNodesResult } from '@nx/devkit';
import { createNodes } from './plugin';

/** Writes files into a fresh temporary workspace and returns its root. */
function tempWorkspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'nx-typecheck-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const tsconfig = JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] });

/** Runs the plugin on the workspace's tsconfig.json files and returns each project's targets. */
async function infer(files: Record<string, string>, options?: { targetName?: string }) {
  const workspaceRoot = tempWorkspace({ 'package.json': '{}', ...files });
  const [pattern, create] = createNodes;
  expect(pattern).toBe('**/tsconfig.json');
  const configs = Object.keys(files).filter((f) => f.endsWith('/tsconfig.json'));
  const results = await create(configs, options, { workspaceRoot, nxJsonConfiguration: {} } as CreateNodesContext);
  return Object.fromEntries(
    results.flatMap(([, r]: readonly [string, CreateNodesResult]) => Object.entries(r.projects ?? {}).map(([root, p]) => [root, p.targets])),
  );
}

describe('the typecheck inference', () => {
  it('checks a project through its tsconfig.json, from the workspace root, leaving cache and inputs to targetDefaults', async () => {
    const targets = await infer({ 'tools/ci/package.json': '{}', 'tools/ci/tsconfig.json': tsconfig });
    expect(targets).toEqual({
      'tools/ci': {
        typecheck: {
          executor: 'nx:run-commands',
          options: { command: 'tsc --noEmit -p tools/ci/tsconfig.json' },
          metadata: { description: 'Type-check tools/ci/tsconfig.json (tsc --noEmit)', technologies: ['typescript'] },
        },
      },
    });
  });

  it("checks every config a solution-style tsconfig.json references, and a nested one, in one target of the project", async () => {
    const targets = await infer({
      'apps/web/package.json': '{}',
      // tsc -p on this file alone would check nothing.
      'apps/web/tsconfig.json': JSON.stringify({ files: [], references: [{ path: './tsconfig.app.json' }, { path: './tsconfig.spec.json' }] }),
      'apps/web/tsconfig.app.json': tsconfig,
      'apps/web/tsconfig.spec.json': tsconfig,
      'apps/web/server/tsconfig.json': tsconfig,
    });
    expect(Object.keys(targets)).toEqual(['apps/web']);
    expect(targets['apps/web']?.typecheck?.options.command).toBe(
      'tsc --noEmit -p apps/web/tsconfig.app.json && tsc --noEmit -p apps/web/tsconfig.spec.json && tsc --noEmit -p apps/web/server/tsconfig.json',
    );
  });

  it('follows a reference to a directory to its tsconfig.json, and reads configs with comments', async () => {
    const targets = await infer({
      'libs/a/project.json': '{}',
      'libs/a/tsconfig.json': '// solution\n{ "files": [], "references": [{ "path": "./lib" }] }',
      'libs/a/lib/tsconfig.json': tsconfig,
    });
    expect(targets['libs/a']?.typecheck?.options.command).toBe('tsc --noEmit -p libs/a/lib/tsconfig.json');
  });

  it('checks a tsconfig.json with files [] but an include as it is: tsc checks its include', async () => {
    const targets = await infer({
      'libs/b/package.json': '{}',
      'libs/b/tsconfig.json': JSON.stringify({ files: [], include: ['src/**/*.ts'], references: [{ path: './other.json' }] }),
    });
    expect(targets['libs/b']?.typecheck?.options.command).toBe('tsc --noEmit -p libs/b/tsconfig.json');
  });

  it('gives a nested project its own target, and nothing to a tsconfig.json outside any project', async () => {
    const targets = await infer({
      'tools/a/package.json': '{}',
      'tools/a/tsconfig.json': tsconfig,
      'tools/a/fixture/package.json': '{}',
      'tools/a/fixture/tsconfig.json': tsconfig,
      // Its nearest package.json is the workspace root's, which is no project.
      'scratch/tsconfig.json': tsconfig,
    });
    expect(Object.keys(targets).sort()).toEqual(['tools/a', 'tools/a/fixture']);
    expect(targets['tools/a']?.typecheck?.options.command).toBe('tsc --noEmit -p tools/a/tsconfig.json');
    expect(targets['tools/a/fixture']?.typecheck?.options.command).toBe('tsc --noEmit -p tools/a/fixture/tsconfig.json');
  });

  it('names the target as told', async () => {
    const targets = await infer({ 'tools/ci/package.json': '{}', 'tools/ci/tsconfig.json': tsconfig }, { targetName: 'tsc' });
    expect(Object.keys(targets['tools/ci'] ?? {})).toEqual(['tsc']);
  });
});
