import { join } from 'node:path';
import { serviceClosures } from './go-closure';
import { goFileImports, listPackages, projectEdges } from './go-deps';
import { discoverGoProjects } from './go-projects';
import { goMod, tempWorkspace } from './testing/go-module';

describe('serviceClosures over a real go list', () => {
  const root = tempWorkspace({
    'go/go.mod': goMod,
    'go/apps/api/main.go': 'package main\n\nimport (\n\t"example/apps/api/internal/store"\n\t"example/libs/httpx"\n)\n\nfunc main() { httpx.Hello(); store.Open() }\n',
    'go/apps/api/main_test.go': 'package main\n\nimport "testing"\n\nfunc TestX(t *testing.T) {}\n',
    'go/apps/api/README.md': 'not built\n',
    'go/apps/api/internal/store/store.go': 'package store\n\nimport "embed"\n\n//go:embed migrations/*.sql\nvar migrations embed.FS\n\n// Open opens.\nfunc Open() { _ = migrations }\n',
    'go/apps/api/internal/store/migrations/0001_init.sql': 'create table t (x int);\n',
    'go/apps/api/internal/store/testdata/fixture.json': '{}\n',
    // A tool of the app: its own main package, never linked into the service.
    'go/apps/api/cmd/seed/main.go': 'package main\n\nimport "example/apps/api/internal/seed"\n\nfunc main() { seed.Run() }\n',
    'go/apps/api/internal/seed/seed.go': 'package seed\n\n// Run seeds.\nfunc Run() {}\n',
    'go/apps/cache/main.go': 'package main\n\nimport "example/libs/httpx"\n\nfunc main() { httpx.Hello() }\n',
    'go/libs/httpx/httpx.go': 'package httpx\n\n// Hello says hello.\nfunc Hello() { hello() }\n',
    // Built for the image's linux/amd64 whatever the host; the Windows file never is, but its import is an edge.
    'go/libs/httpx/hello_linux.go': 'package httpx\n\nfunc hello() {}\n',
    'go/libs/httpx/hello_windows.go': 'package httpx\n\nimport _ "example/libs/winonly"\n\nfunc hello() {}\n',
    'go/libs/httpx/asm_amd64.s': '// assembly of the package\n',
    'go/libs/httpx/asm_arm64.s': '// assembly for another platform\n',
    // A package of a linked library that no service links.
    'go/libs/httpx/debug/debug.go': 'package debug\n\n// Dump dumps.\nfunc Dump() {}\n',
    'go/libs/winonly/winonly.go': 'package winonly\n',
  });
  const packages = listPackages(join(root, 'go'));
  const projects = discoverGoProjects(root);
  const services = projects.filter((p) => p.name === 'api' || p.name === 'cache');

  it("gives each service the files its main package links, under the image's build settings", () => {
    expect(serviceClosures(packages, services, root)).toEqual({
      api: {
        files: [
          'go/apps/api/internal/store/migrations/0001_init.sql',
          'go/apps/api/internal/store/store.go',
          'go/apps/api/main.go',
          'go/libs/httpx/asm_amd64.s',
          'go/libs/httpx/hello_linux.go',
          'go/libs/httpx/httpx.go',
        ],
        modules: [],
      },
      cache: { files: ['go/apps/cache/main.go', 'go/libs/httpx/asm_amd64.s', 'go/libs/httpx/hello_linux.go', 'go/libs/httpx/httpx.go'], modules: [] },
    });
  });

  it('gives no closure for a service whose build go list cannot load (then the whole module is the input)', () => {
    const broken = tempWorkspace({
      'go/go.mod': goMod,
      'go/apps/api/main.go': 'package main\n\nimport "example/libs/missing"\n\nfunc main() { missing.X() }\n',
    });
    expect(serviceClosures(listPackages(join(broken, 'go')), discoverGoProjects(broken), broken)).toEqual({ api: undefined });
  });

  it('draws edges from files of other platforms too, so the graph is the same on every host', () => {
    const edges = projectEdges(packages, projects, root).filter((e) => e.source === 'go-httpx');
    expect(edges).toEqual([{ source: 'go-httpx', target: 'go-winonly', sourceFile: 'go/libs/httpx/hello_windows.go', testOnly: false }]);
  });
});

describe('goFileImports', () => {
  it.each([
    ['one import', 'package a\n\nimport "fmt"\n\nfunc F() {}\n', ['fmt']],
    ['a block with names, comments and build constraints', '//go:build windows\n\n// Package a.\npackage a /* x */\n\nimport (\n\t"fmt" // why\n\tx "example/x"\n\t. "example/dot"\n\t_ `example/raw`\n\t/* "example/commented" */\n)\n\nimport "os"\n\nvar _ = "example/not-an-import"\n', ['fmt', 'example/x', 'example/dot', 'example/raw', 'os']],
    ['no imports', 'package a\n\nfunc F() {}\n', []],
    ['not Go', 'hello', []],
  ])('reads %s', (_what, source, imports) => {
    expect(goFileImports(source)).toEqual(imports);
  });
});
