import type { CreateDependenciesContext } from '@nx/devkit';
import { createDependencies, createNodes } from './plugin';
import { goMod, tempWorkspace } from './testing/go-module';

const context = (workspaceRoot: string) =>
  ({ workspaceRoot, fileMap: { projectFileMap: {}, nonProjectFiles: [] } }) as unknown as CreateDependenciesContext;

describe('test-only Go libraries', () => {
  const files = {
    'go/go.mod': goMod,
    'go/apps/api/main.go': 'package main\n\nfunc main() {}\n',
    'go/apps/api/main_test.go': 'package main\n\nimport (\n\t"testing"\n\n\t"example/libs/testkit"\n)\n\nfunc TestX(t *testing.T) { testkit.Help() }\n',
    'go/libs/testkit/testkit.go': 'package testkit\n\nfunc Help() {}\n',
  };

  it('are edges of the graph (so affected reaches the tests) but add nothing to build and image hashes', async () => {
    const root = tempWorkspace(files);
    const deps = await createDependencies({ testOnlyLibs: ['go-testkit'] }, context(root));
    expect(deps).toEqual([{ source: 'api', target: 'go-testkit', sourceFile: 'go/apps/api/main_test.go', type: 'static' }]);
    const [, create] = createNodes;
    const [[, result]] = (await create(['go/go.mod'], { testOnlyLibs: ['go-testkit'] }, { workspaceRoot: root } as never)) as never as [[string, { projects: Record<string, { namedInputs?: unknown }> }]];
    expect(result.projects['go/libs/testkit']?.namedInputs).toEqual({ goSources: [] });
    // The api's build closure is its main package alone: the test-only library is not linked.
    expect(result.projects['go/apps/api']?.namedInputs).toEqual({ goBuild: ['{workspaceRoot}/go/apps/api/main.go', { externalDependencies: ['go:go.mod'] }] });
  });

  it('fail the graph, with the fix, when production code imports one', async () => {
    const root = tempWorkspace({ ...files, 'go/apps/api/main.go': 'package main\n\nimport "example/libs/testkit"\n\nfunc main() { testkit.Help() }\n' });
    await expect(async () => createDependencies({ testOnlyLibs: ['go-testkit'] }, context(root))).rejects.toThrow(
      /go\/apps\/api\/main.go imports go-testkit from production code/,
    );
  });
});
