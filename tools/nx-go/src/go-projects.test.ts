import { discoverGoProjects, goTargets } from './go-projects';
import { goMod, tempWorkspace } from './testing/go-module';

describe('discoverGoProjects', () => {
  it('finds apps and libraries that hold Go files, libraries prefixed', () => {
    const root = tempWorkspace({
      'go/go.mod': goMod,
      'go/apps/api/main.go': 'package main\n',
      'go/apps/cache/internal/x/x.go': 'package x\n',
      'go/apps/empty/README.md': 'no go here',
      'go/libs/httpx/httpx.go': 'package httpx\n',
    });
    expect(discoverGoProjects(root)).toEqual([
      { name: 'api', root: 'go/apps/api', modulePath: 'apps/api', kind: 'app' },
      { name: 'cache', root: 'go/apps/cache', modulePath: 'apps/cache', kind: 'app' },
      { name: 'go-httpx', root: 'go/libs/httpx', modulePath: 'libs/httpx', kind: 'lib' },
    ]);
  });
});

describe('goTargets', () => {
  const app = { name: 'api', root: 'go/apps/api', modulePath: 'apps/api', kind: 'app' } as const;
  const lib = { name: 'go-httpx', root: 'go/libs/httpx', modulePath: 'libs/httpx', kind: 'lib' } as const;

  it.each([
    ['app', app, ['build', 'test', 'lint', 'serve']],
    ['lib', lib, ['build', 'test', 'lint']],
  ])('gives a %s the targets it needs', (_kind, project, names) => {
    expect(Object.keys(goTargets(project, {}))).toEqual(names);
  });

  it('builds apps statically into dist/go and hashes go.mod', () => {
    const build = goTargets(app, {})['build'];
    expect(build?.options.command).toBe('go build -trimpath -o ../dist/go/api/api ./apps/api');
    expect(build?.options.env).toEqual({ CGO_ENABLED: '0' });
    expect(build?.outputs).toEqual(['{workspaceRoot}/dist/go/api']);
    expect(build?.inputs).toContain('goModule');
  });

  it('keeps test files out of the build hash but not out of the test hash', () => {
    const t = goTargets(lib, {});
    expect(t['build']?.inputs?.[0]).toBe('goSources');
    expect(t['test']?.inputs?.[0]).toBe('{projectRoot}/**/*');
  });

  it('hashes the environment that changes what the tests of every project do', () => {
    for (const project of [app, lib]) expect(goTargets(project, { testEnv: ['CI'] })['test']?.inputs).toContainEqual({ env: 'CI' });
  });

  it('adds per-project test inputs, files and environment, to that project alone', () => {
    const testInputs = { 'go-httpx': ['{workspaceRoot}/x/**/*', { env: 'HTTPX_TEST_SERVER_KIND' }] };
    const inputs = goTargets(lib, { testInputs })['test']?.inputs;
    expect(inputs).toContain('{workspaceRoot}/x/**/*');
    expect(inputs).toContainEqual({ env: 'HTTPX_TEST_SERVER_KIND' });
    const appInputs = goTargets(app, { testInputs })['test']?.inputs;
    expect(appInputs).not.toContain('{workspaceRoot}/x/**/*');
    expect(appInputs).not.toContainEqual({ env: 'HTTPX_TEST_SERVER_KIND' });
  });

  it('passes dev defaults to serve as overridable defaults', () => {
    const serve = goTargets(app, { devEnv: { api: { API_ADDR: '127.0.0.1:8080' } } })['serve'];
    expect(serve?.continuous).toBe(true);
    expect(serve?.options.command).toContain('--pkg ./apps/api');
    expect(serve?.options.command).toContain('--default API_ADDR=127.0.0.1:8080');
  });
});
