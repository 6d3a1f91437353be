import { existsSync, readFileSync } from 'node:fs';
import type { CreateDependenciesContext } from '@nx/devkit';
import { closureInputs, goExternalNodes, WHOLE_MODULE } from './build-inputs';
import { goTargets } from './go-projects';
import { moduleCacheFile } from './module-info';
import { createDependencies, createNodes } from './plugin';
import { goMod, tempWorkspace } from './testing/go-module';

const fwd = { path: 'github.com/philhofer/fwd', version: 'v1.2.0', sum: 'github.com/philhofer/fwd v1.2.0' };

describe('closureInputs', () => {
  it("names the closure's files and its modules with go.mod's directives", () => {
    expect(closureInputs({ files: ['go/apps/api/main.go', 'go/apps/api/m/[id]*.sql'], modules: [fwd] })).toEqual([
      '{workspaceRoot}/go/apps/api/main.go',
      // A glob character in a file name matches any character: a superset, never a miss.
      '{workspaceRoot}/go/apps/api/m/?id??.sql',
      { externalDependencies: ['go:go.mod', 'go:github.com/philhofer/fwd'] },
    ]);
  });

  it('takes the whole module when the closure is unknown', () => {
    expect(closureInputs(undefined)).toEqual(WHOLE_MODULE);
    expect(WHOLE_MODULE).toContain('{workspaceRoot}/go/**/*');
  });
});

describe('goExternalNodes', () => {
  it("makes one node per linked module, hashed from its go.sum lines, and one of go.mod's directives", () => {
    const sum = 'github.com/philhofer/fwd v1.2.0 h1:a=\ngithub.com/philhofer/fwd v1.2.0/go.mod h1:b=\n';
    const nodes = goExternalNodes([{ files: [], modules: [fwd] }, undefined], 'module m\n\ngo 1.25.0\n', sum);
    expect(Object.keys(nodes).sort()).toEqual(['go:github.com/philhofer/fwd', 'go:go.mod']);
    expect(nodes['go:github.com/philhofer/fwd']).toMatchObject({ type: 'go', data: { version: 'v1.2.0', packageName: 'github.com/philhofer/fwd' } });
    expect(nodes['go:go.mod']?.data.version).toBe('1.25.0');
    const other = goExternalNodes([{ files: [], modules: [fwd] }], 'module m\n\ngo 1.25.0\n', sum.replace('h1:a=', 'h1:c='));
    expect(other['go:github.com/philhofer/fwd']?.data.hash).not.toBe(nodes['go:github.com/philhofer/fwd']?.data.hash);
    expect(other['go:go.mod']?.data.hash).toBe(nodes['go:go.mod']?.data.hash);
  });
});

describe("a service's build target", () => {
  const api = { name: 'api', root: 'go/apps/api', modulePath: 'apps/api', kind: 'app' } as const;

  it('builds the binary its image ships from the same inputs as the image', () => {
    const build = goTargets(api, {}, true)['build'];
    expect(build?.inputs).toEqual(['goBuild', { externalDependencies: [] }]);
    expect(build?.options.env).toEqual({ GOOS: 'linux', GOARCH: 'amd64', CGO_ENABLED: '0' });
  });
});

describe('the plugin with a go.mod go cannot parse', () => {
  type Nodes = [[string, { projects: Record<string, { namedInputs?: Record<string, unknown> }>; externalNodes?: Record<string, unknown> }]];
  const files = {
    'go/go.mod': `${goMod}\nthis is not a directive\n`,
    'go/apps/api/main.go': 'package main\n\nimport "example/libs/httpx"\n\nfunc main() { httpx.Hello() }\n',
    'go/libs/httpx/httpx.go': 'package httpx\n\n// Hello says hello.\nfunc Hello() {}\n',
  };

  it('still gives a graph: every service takes the whole module, and there are no edges to draw', async () => {
    const root = tempWorkspace(files);
    const [, create] = createNodes;
    const [[, result]] = (await create(['go/go.mod'], {}, { workspaceRoot: root } as never)) as never as Nodes;
    expect(result.projects['go/apps/api']?.namedInputs).toEqual({ goBuild: WHOLE_MODULE });
    const context = { workspaceRoot: root, fileMap: { projectFileMap: {}, nonProjectFiles: [] } } as unknown as CreateDependenciesContext;
    expect(await createDependencies({}, context)).toEqual([]);
    // Nothing is cached for a broken state: fixing go.mod lists the module again.
    expect(existsSync(moduleCacheFile(root))).toBe(false);
  });

  it('caches the answer of a module that loads, under its key', async () => {
    const root = tempWorkspace({ ...files, 'go/go.mod': goMod });
    const [, create] = createNodes;
    const [[, result]] = (await create(['go/go.mod'], {}, { workspaceRoot: root } as never)) as never as Nodes;
    expect(result.projects['go/apps/api']?.namedInputs?.['goBuild']).toEqual([
      '{workspaceRoot}/go/apps/api/main.go',
      '{workspaceRoot}/go/libs/httpx/httpx.go',
      { externalDependencies: ['go:go.mod'] },
    ]);
    expect(Object.keys(result.externalNodes ?? {})).toEqual(['go:go.mod']);
    const cached = JSON.parse(readFileSync(moduleCacheFile(root), 'utf8')) as { edges: unknown[] };
    expect(cached.edges).toEqual([{ source: 'api', target: 'go-httpx', sourceFile: 'go/apps/api/main.go', testOnly: false }]);
  });
});
