import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageProjects } from './projects';
import { imageTargets } from './targets';

function workspace(): string {
  const root = mkdtempSync(join(tmpdir(), 'images-'));
  for (const dir of ['go/apps/api', 'go/apps/cache', 'go/apps/notes']) mkdirSync(join(root, dir), { recursive: true });
  writeFileSync(join(root, 'go/apps/api/main.go'), 'package main\n');
  writeFileSync(join(root, 'go/apps/cache/main.go'), 'package main\n');
  return root;
}

describe('imageProjects', () => {
  it('gives every Go service with a main.go an image from the shared Dockerfile, context go/', () => {
    const projects = imageProjects(['go/Dockerfile.multi-stage'], workspace());
    expect(projects.map((p) => [p.root, p.context, p.buildArgs['SERVICE']])).toEqual([
      ['go/apps/api', 'go', 'api'],
      ['go/apps/cache', 'go', 'cache'],
    ]);
    // go.mod and go.sum reach the hash module by module, through the Go plugin's goBuild.
    expect(projects[0]?.lockfiles).toEqual([]);
    expect(projects[0]?.sourceInputs).toEqual(['goBuild']);
  });

  it('builds apps/<app>/Dockerfile with the repository root as context and ignores other Dockerfiles', () => {
    const projects = imageProjects(['apps/web/Dockerfile', 'apps/web/nested/Dockerfile'], workspace());
    expect(projects).toEqual([
      expect.objectContaining({ root: 'apps/web', context: '.', ignoreFile: '.dockerignore', lockfiles: [], prunedNpmDeps: true }),
    ]);
  });
});

function first<T>(items: T[]): T {
  const [item] = items;
  if (!item) throw new Error('expected at least one image project');
  return item;
}

describe('imageTargets', () => {
  const api = first(imageProjects(['go/Dockerfile.multi-stage'], workspace()));

  it('caches docker-build with its build closure, Dockerfile, ignore file, tooling and mode as inputs', () => {
    const build = imageTargets(api)['docker-build'];
    expect(build?.cache).toBe(true);
    expect(build?.dependsOn).toEqual([]);
    expect(build?.outputs).toEqual(['{workspaceRoot}/dist/images/{projectName}']);
    expect(build?.inputs).toEqual([
      'goBuild',
      '{workspaceRoot}/go/Dockerfile.multi-stage',
      '{workspaceRoot}/go/.dockerignore',
      'imageTooling',
      { env: 'SLIPWAY_IMAGE_MODE' },
      { env: 'REGISTRY' },
      { externalDependencies: [] },
    ]);
    expect(build?.options.command).toContain('--build-arg SERVICE=api');
  });

  it('gives an npm image a pruned lockfile, and hashes that instead of the root lockfile', () => {
    const targets = imageTargets(first(imageProjects(['apps/web/Dockerfile'], workspace())));
    expect(targets['docker-build']?.dependsOn).toEqual(['docker-deps']);
    expect(targets['docker-build']?.inputs).toContainEqual({ dependentTasksOutputFiles: '**/*', transitive: false });
    expect(targets['docker-build']?.inputs).not.toContain('{workspaceRoot}/package-lock.json');
    expect(targets['docker-deps']?.inputs).toContain('{workspaceRoot}/package-lock.json');
    expect(targets['docker-deps']?.outputs).toEqual(['{workspaceRoot}/dist/docker/{projectName}']);
    expect(imageTargets(api)['docker-deps']).toBeUndefined();
  });

  it('runs what docker-build built', () => {
    expect(imageTargets(api)['docker-run']?.dependsOn).toEqual(['docker-build']);
  });

  it('publishes after docker-build, never from a cache, with what a rebuild needs and the size budget', () => {
    const publish = imageTargets(api, { budgets: { api: '20MB' } })['docker-publish'];
    expect(publish?.dependsOn).toEqual(['docker-build']);
    expect(publish?.cache).toBe(false);
    expect(publish?.options.command).toMatch(/cli\/docker-publish\.ts --project \{projectName\} --dockerfile go\/Dockerfile\.multi-stage --context go --build-arg SERVICE=api --budget 20MB$/);
  });
});
