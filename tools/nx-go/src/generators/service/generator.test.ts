import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { goAvailable } from '@slipway/testing/src/go-available';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';
import { discoverGoProjects } from '../../go-projects';
import { isService } from '../../module-info';
import { goModulePath, SERVICE_LIBS, serviceGenerator } from './generator';

/** An empty workspace with a Go module that has the libraries a service is built on. */
function workspace(libs: readonly string[] = SERVICE_LIBS): Tree {
  // The repository configures no JS formatter (no prettier, no oxfmt), so neither does the test workspace.
  const tree = createTreeWithEmptyWorkspace({ formatter: 'none' });
  tree.write('go/go.mod', 'module slipway\n\ngo 1.25.0\n');
  for (const lib of libs) tree.write(`go/libs/${lib}/${lib}.go`, `package ${lib}\n`);
  return tree;
}

/** The files the generator added under go/apps/<name>, relative to it, sorted. */
function generated(tree: Tree, name: string): string[] {
  const root = `go/apps/${name}/`;
  return tree
    .listChanges()
    .filter((c) => c.type === 'CREATE' && c.path.startsWith(root))
    .map((c) => c.path.slice(root.length))
    .sort();
}

const read = (tree: Tree, path: string): string => tree.read(path, 'utf-8') ?? '';

describe('the Go service generator', () => {
  it('writes a service in the shape of the others: main calling run, config, server, tests', async () => {
    const tree = workspace();
    const fixtures = new Set(tree.listChanges().map((c) => c.path));
    await serviceGenerator(tree, { name: 'demo' });
    expect(generated(tree, 'demo')).toEqual([
      'internal/config/config.go',
      'internal/config/config_test.go',
      'internal/config/fuzz_test.go',
      'internal/server/handlers.go',
      'internal/server/routes.go',
      'internal/server/server.go',
      'internal/server/server_test.go',
      'main.go',
      'run.go',
      'run_test.go',
    ]);
    // Nothing outside the service: its targets, image, budget and CI job are inferred.
    expect(tree.listChanges().filter((c) => !fixtures.has(c.path) && !c.path.startsWith('go/apps/demo/')).map((c) => c.path)).toEqual([]);

    const main = read(tree, 'go/apps/demo/main.go');
    expect(main).toContain('\nfunc main() { service.Main(run) }\n');
    expect(main).toContain('import "slipway/libs/service"');
    expect(main).toContain("// Command demo is Slipway's demo service. Configuration comes from\n// DEMO_* environment variables");
    const run = read(tree, 'go/apps/demo/run.go');
    expect(run).toContain('func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {');
    expect(run).toContain('"slipway/apps/demo/internal/config"');
    expect(run).toContain('service.Command{Name: "demo"');
    const config = read(tree, 'go/apps/demo/internal/config/config.go');
    expect(config).toContain('"slipway/libs/envconfig"');
    expect(config).toContain('EnvAddr            = "DEMO_ADDR"');
    expect(config).toContain('DefaultAddr            = ":8080"');
    const routes = read(tree, 'go/apps/demo/internal/server/routes.go');
    expect(routes).toContain('mux.HandleFunc("GET /healthz", s.handleHealthz)');
    for (const file of generated(tree, 'demo')) {
      const text = read(tree, `go/apps/demo/${file}`);
      expect(text, file).not.toMatch(/<%|%>|&#39;|&quot;/);
      expect(text.endsWith('\n') && !text.endsWith('\n\n'), `${file} ends with one newline`).toBe(true);
    }
  });

  it('takes the module path from go.mod and the variable prefix from the name', async () => {
    const tree = workspace();
    tree.write('go/go.mod', '// the platform\nmodule "example.com/platform" // quoted\n\ngo 1.25.0\n');
    await serviceGenerator(tree, { name: 'audit-log2' });
    expect(read(tree, 'go/apps/audit-log2/run.go')).toContain('"example.com/platform/apps/audit-log2/internal/server"');
    expect(read(tree, 'go/apps/audit-log2/internal/config/config.go')).toContain('"AUDIT_LOG2_SHUTDOWN_TIMEOUT"');
    expect(read(tree, 'go/apps/audit-log2/run_test.go')).toContain('"AUDIT_LOG2_ADDR":             "127.0.0.1:0"');
  });

  it('writes the description into the comments and, quoted for Go, into -h', async () => {
    const tree = workspace();
    await serviceGenerator(tree, { name: 'notes', description: 'Slipway\'s "release notes" writer, 100% Go \\o/.' });
    expect(read(tree, 'go/apps/notes/main.go')).toContain('// Command notes is Slipway\'s "release notes" writer, 100% Go \\o/. Configuration');
    expect(read(tree, 'go/apps/notes/run.go')).toContain('return "Slipway\'s \\"release notes\\" writer, 100% Go \\\\o/" + ". Configured by');
  });

  it.each([
    ['', 'cannot name a service'],
    ['Demo', 'cannot name a service'],
    ['1st', 'cannot name a service'],
    ['a--b', 'cannot name a service'],
    ['demo-', 'cannot name a service'],
    ['de_mo', 'cannot name a service'],
    ['../web', 'cannot name a service'],
    ['a'.repeat(41), 'cannot name a service'],
    ['go-demo', 'names starting with go- are the Go libraries'],
  ])('refuses the name %j and writes nothing', async (name, message) => {
    const tree = workspace();
    await expect(serviceGenerator(tree, { name })).rejects.toThrow(message);
    expect(tree.listChanges().filter((c) => c.path.startsWith('go/apps'))).toEqual([]);
  });

  it('refuses a service that exists, a project name in use, a workspace without the module or its libraries, a description of two lines', async () => {
    const cases: [string, (t: Tree) => void, { name: string; description?: string }, string][] = [
      ['service exists', (t) => t.write('go/apps/demo/main.go', 'package main\n'), { name: 'demo' }, 'go/apps/demo exists already'],
      ['project name in use', (t) => t.write('apps/demo/package.json', '{"name":"@slipway/demo","nx":{"name":"demo"}}'), { name: 'demo' }, 'the name of the project in apps/demo'],
      ['no module', (t) => t.delete('go/go.mod'), { name: 'demo' }, 'there is no Go module at go/go.mod'],
      ['no module line', (t) => t.write('go/go.mod', 'go 1.25.0\n'), { name: 'demo' }, 'go/go.mod has no module line'],
      ['a library missing', (t) => t.delete('go/libs/httpx/httpx.go'), { name: 'demo' }, 'built on go/libs/httpx, which the module lacks'],
      ['two lines', () => undefined, { name: 'demo', description: 'one\ntwo' }, 'one line'],
    ];
    for (const [what, prepare, options, message] of cases) {
      const tree = workspace();
      prepare(tree);
      const before = tree.listChanges().map((c) => `${c.type} ${c.path}`);
      await expect(serviceGenerator(tree, options), what).rejects.toThrow(message);
      expect(
        tree.listChanges().map((c) => `${c.type} ${c.path}`),
        `${what}: nothing written`,
      ).toEqual(before);
    }
  });

  it('reads the module path of a go.mod', () => {
    expect(goModulePath('module slipway\n\ngo 1.25.0\n')).toBe('slipway');
    expect(goModulePath('module   "example.com/x"   // c\n')).toBe('example.com/x');
    expect(() => goModulePath('// module slipway\n')).toThrow('no module line');
  });

  describe.skipIf(!goAvailable('the generated service compile check'))('in the real Go module', () => {
    let root = '';
    afterAll(() => root && rmSync(root, { recursive: true, force: true }));

    it('is a service the plugins infer, gofmt-clean, vetted, and its tests pass', async () => {
      // The generated files on disk, beside the real module's go.mod, go.sum and libraries.
      root = mkdtempSync(join(tmpdir(), 'nx-go-service-'));
      for (const f of ['go/go.mod', 'go/go.sum', 'go/libs']) cpSync(join(workspaceRoot, f), join(root, f), { recursive: true });
      // The generator sees the real go.mod; the libraries are on disk (it only checks they exist).
      const tree = workspace();
      tree.write('go/go.mod', readFileSync(join(workspaceRoot, 'go/go.mod'), 'utf8'));
      await serviceGenerator(tree, { name: 'probe-svc' });
      for (const c of tree.listChanges()) {
        if (!c.path.startsWith('go/apps/') || !c.content) continue;
        mkdirSync(dirname(join(root, c.path)), { recursive: true });
        writeFileSync(join(root, c.path), c.content);
      }

      const project = discoverGoProjects(root).find((p) => p.name === 'probe-svc');
      expect(project).toEqual({ name: 'probe-svc', root: 'go/apps/probe-svc', modulePath: 'apps/probe-svc', kind: 'app' });
      if (project) expect(isService(root, project), 'a main.go at the service root: the shared Dockerfile builds it').toBe(true);

      const go = (...args: string[]) => spawnSync('go', args, { cwd: join(root, 'go'), encoding: 'utf8', env: { ...process.env, CGO_ENABLED: '0' } });
      const fmt = spawnSync('gofmt', ['-l', 'apps/probe-svc'], { cwd: join(root, 'go'), encoding: 'utf8' });
      expect(`${fmt.stdout}${fmt.stderr}`, 'gofmt -l lists nothing').toBe('');
      const vet = go('vet', './apps/probe-svc/...');
      expect(vet.status, vet.stderr).toBe(0);
      const test = go('test', '-count=1', './apps/probe-svc/...');
      expect(test.status, `${test.stdout}\n${test.stderr}`).toBe(0);
      expect(test.stdout).toMatch(/^ok\s+slipway\/apps\/probe-svc\s/m);
      expect(test.stdout).toMatch(/^ok\s+slipway\/apps\/probe-svc\/internal\/config\s/m);
      expect(test.stdout).toMatch(/^ok\s+slipway\/apps\/probe-svc\/internal\/server\s/m);
    }, 300_000);
  });
});
