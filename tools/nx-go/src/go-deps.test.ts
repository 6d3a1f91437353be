import { join } from 'node:path';
import { listPackages, projectEdges } from './go-deps';
import { discoverGoProjects } from './go-projects';
import { goMod, tempWorkspace } from './testing/go-module';

describe('projectEdges over a real go list', () => {
  const root = tempWorkspace({
    'go/go.mod': goMod,
    'go/apps/api/main.go': 'package main\n\nimport "example/libs/httpx"\n\nfunc main() { httpx.Hello() }\n',
    'go/apps/api/main_test.go': 'package main\n\nimport (\n\t"testing"\n\n\t"example/libs/testkit"\n)\n\nfunc TestX(t *testing.T) { testkit.Help() }\n',
    'go/apps/api/internal/store/store.go': 'package store\n\nimport "example/libs/envconfig"\n\nvar X = envconfig.Y\n',
    'go/libs/httpx/httpx.go': 'package httpx\n\nimport "example/libs/logging"\n\nfunc Hello() { logging.Log() }\n',
    'go/libs/logging/logging.go': 'package logging\n\nfunc Log() {}\n',
    'go/libs/envconfig/envconfig.go': 'package envconfig\n\nvar Y = 1\n',
    'go/libs/testkit/testkit.go': 'package testkit\n\nfunc Help() {}\n',
  });

  it('makes an edge for every cross-project import, from the importing file, and marks test-only imports', () => {
    const edges = projectEdges(listPackages(join(root, 'go')), discoverGoProjects(root), root);
    expect(edges.sort((a, b) => `${a.source}${a.target}`.localeCompare(`${b.source}${b.target}`))).toEqual([
      { source: 'api', target: 'go-envconfig', sourceFile: 'go/apps/api/internal/store/store.go', testOnly: false },
      { source: 'api', target: 'go-httpx', sourceFile: 'go/apps/api/main.go', testOnly: false },
      { source: 'api', target: 'go-testkit', sourceFile: 'go/apps/api/main_test.go', testOnly: true },
      { source: 'go-httpx', target: 'go-logging', sourceFile: 'go/libs/httpx/httpx.go', testOnly: false },
    ]);
  });
});
