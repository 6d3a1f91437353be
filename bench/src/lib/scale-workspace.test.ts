import { scaleWorkspace } from './scale-workspace';

const dockerfile = 'FROM node:24.6.0-alpine3.22\n';

describe('scaleWorkspace', () => {
  it.each([
    // total, web apps added, Go services added, Go libraries
    [3, 0, 0, 2],
    [10, 1, 6, 2],
    [50, 9, 38, 5],
    [200, 39, 158, 20],
  ])('%i image projects: %i web apps, %i Go services, %i libraries added', (total, web, go, libs) => {
    const ws = scaleWorkspace(total, dockerfile);
    expect([ws.webApps.length, ws.goServices.length, ws.goLibs.length]).toEqual([web, go, libs]);
    // With the repository's web, api and cache, that makes `total` image projects.
    expect(ws.webApps.length + ws.goServices.length + 3).toBe(total);
  });

  it('gives every service main.go importing existing generated libraries, and half of them the changed one', () => {
    const ws = scaleWorkspace(50, dockerfile);
    let usingChanged = 0;
    for (const svc of ws.goServices) {
      const main = ws.files[`go/apps/${svc}/main.go`] ?? '';
      expect(main).toMatch(/^package main$/m);
      const imported = [...main.matchAll(/"slipway\/libs\/(\w+)"/g)].map((m) => m[1]);
      expect(imported.length).toBeGreaterThan(0);
      for (const lib of imported) expect(ws.goLibs).toContain(lib);
      if (imported.includes(ws.changedLib)) usingChanged++;
    }
    expect(usingChanged).toBeGreaterThanOrEqual(ws.goServices.length / 2);
    expect(usingChanged).toBeLessThan(ws.goServices.length);
  });

  it('builds every library on the core one, and the core on nothing', () => {
    const ws = scaleWorkspace(50, dockerfile);
    expect(ws.files['go/libs/genlib000/genlib000.go']).not.toContain('import');
    expect(ws.files['go/libs/genlib003/genlib003.go']).toContain('import "slipway/libs/genlib000"');
  });

  it('gives every web app the Dockerfile it is handed and a package that names its project', () => {
    const ws = scaleWorkspace(10, dockerfile);
    const [app] = ws.webApps;
    expect(ws.files[`apps/${app}/Dockerfile`]).toBe(dockerfile);
    const pkg = JSON.parse(ws.files[`apps/${app}/package.json`] ?? '{}') as { name: string; scripts: { build?: string }; nx: { name: string; tags: string[] } };
    expect(pkg.nx.name).toBe(app);
    // docker-deps prunes the lockfile for the files of the build target: without one it fails.
    expect(pkg.scripts.build).toBeTruthy();
    expect(pkg.nx.tags).toContain('type:app');
  });

  it('refuses fewer projects than the repository has', () => {
    expect(() => scaleWorkspace(2, dockerfile)).toThrow('at least 3');
  });
});
