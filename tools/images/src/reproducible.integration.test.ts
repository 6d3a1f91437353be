// The same commit gives the same image digest on any empty builder: every image
// project built in push mode on two fresh buildkitd states (two checkouts of one
// commit, so VERSION and REVISION are the same) gives one digest per image. Needs
// the image harness (bash tools/image-harness/up.sh).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildkitdAvailable, startBuildkitd, type Buildkitd } from '@slipway/testing/src/buildkitd';
import { dockerAvailable } from '@slipway/testing/src/docker-available';
import { nestedNxEnv, ranProjects, type NxRun } from '@slipway/testing/src/nx-runner';
import { fetchImageConfig, fetchManifest } from '@slipway/testing/src/registry';
import { copyWorkspace, workspaceRoot, type WorkspaceCopy } from '@slipway/testing/src/workspace-copy';
import { metadataPath, readMetadata } from './build/metadata';

const ready = dockerAvailable() && buildkitdAvailable();
const RUN_ID = `${process.pid}-${Date.now().toString(36)}`;

/** One side of the comparison: an empty builder and a checkout of the commit. */
interface Side {
  name: 'a' | 'b';
  bk: Buildkitd;
  checkout: string;
  /** Its own namespace, so neither side can read the other's layers or registry cache. */
  registry: string;
  run: NxRun;
  seconds?: number;
  /** BuildKit's cache records before the build. */
  recordsAtStart?: number;
}

/** `npx nx …` without blocking, so the two builders work at the same time. */
function runNx(cwd: string, args: string[], env: Record<string, string>): Promise<NxRun> {
  return new Promise((resolve) => {
    const child = spawn('npx', ['nx', ...args], { cwd, env: nestedNxEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (status) => resolve({ status, output }));
  });
}

/** A fresh git checkout of HEAD of `from`, with the workspace's node_modules. */
function checkout(from: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'slipway-repro-'));
  execFileSync('git', ['clone', '-q', from, dir]);
  // The copy may have committed its node_modules link (`node_modules/` ignores directories only).
  if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(workspaceRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

describe.skipIf(!ready)('reproducible images', () => {
  let ws: WorkspaceCopy;
  let head = '';
  const sides: Side[] = [];
  const projects = () => ranProjects(sides[0]?.run.output ?? '');

  beforeAll(async () => {
    ws = copyWorkspace('slipway-repro-src-');
    head = ws.git('rev-parse', 'HEAD');
    const builders = await Promise.allSettled([startBuildkitd({ name: 'slipway-repro-a' }), startBuildkitd({ name: 'slipway-repro-b' })]);
    builders.forEach((b, i) => {
      const name = i === 0 ? 'a' : 'b';
      // Two checkouts made the same way (git, same umask): the context's files and modes are the commit's.
      if (b.status === 'fulfilled') {
        sides.push({ name, bk: b.value, checkout: checkout(ws.root), registry: `127.0.0.1:5000/slipway-repro-${RUN_ID}-${name}`, run: { status: null, output: '' } });
      }
    });
    const failed = builders.find((b): b is PromiseRejectedResult => b.status === 'rejected');
    if (failed) throw failed.reason;
    for (const s of sides) s.recordsAtStart = s.bk.cacheRecords().length;

    const started = Date.now();
    // Each builder builds its images one after the other; the two builders run side by side.
    await Promise.all(
      sides.map(async (s) => {
        const t = Date.now();
        s.run = await runNx(s.checkout, ['run-many', '-t', 'docker-build', '--parallel=1', '--skip-nx-cache', '--outputStyle=stream'], {
          BUILDX_BUILDER: s.bk.builder,
          SLIPWAY_IMAGE_MODE: 'push',
          REGISTRY: s.registry,
          // Builder a writes its layers to its registry, as main does; b writes none.
          SLIPWAY_LAYER_CACHE: s.name === 'a' ? 'readwrite' : 'off',
        });
        s.seconds = (Date.now() - t) / 1000;
      }),
    );
    for (const s of sides) {
      const built = [...s.run.output.matchAll(/docker-build: (\S+) built in ([\d.]+ s)/g)].map((m) => `${m[1]} ${m[2]}`);
      process.stderr.write(`reproducible: builder ${s.name} done in ${s.seconds?.toFixed(1)} s (${built.join(', ')})\n`);
    }
    process.stderr.write(`reproducible: both builders done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    for (const s of sides) if (s.run.status !== 0) throw new Error(`docker-build on builder ${s.name} failed:\n${s.run.output.slice(-8000)}`);
  }, 1_800_000);

  afterAll(async () => {
    await Promise.all(sides.map((s) => s.bk.stop()));
    for (const s of sides) rmSync(s.checkout, { recursive: true, force: true });
    ws?.remove();
  });

  it('both builders started empty', () => {
    expect(sides.map((s) => s.recordsAtStart)).toEqual([0, 0]);
  });

  it('both builders built every image project of the same commit, each on its own builder', () => {
    expect(projects()).toEqual(expect.arrayContaining(['api', 'cache', 'web']));
    for (const s of sides) {
      expect(ranProjects(s.run.output)).toEqual(projects());
      expect(execFileSync('git', ['rev-parse', 'HEAD'], { cwd: s.checkout, encoding: 'utf8' }).trim()).toBe(head);
      expect(s.run.output).toContain(`building with "${s.bk.builder}" instance using remote driver`);
      expect(s.bk.cacheRecords().length).toBeGreaterThan(0);
    }
  });

  it('every image project has the same digest on both builders, and both registries serve it', async () => {
    for (const project of projects()) {
      const [a, b] = sides.map((s) => ({ s, m: readMetadata(metadataPath(s.checkout, project)) }));
      if (!a || !b) throw new Error('two builders expected');
      expect(a.m.digest, `${project}: ${a.m.digest} on builder a, ${b.m.digest} on builder b`).toBe(b.m.digest);
      expect(a.m.configDigest, project).toBe(b.m.configDigest);
      for (const { s, m } of [a, b]) {
        expect(m.image).toBe(`${s.registry}/slipway-${project}`);
        const served = await fetchManifest(m.image, m.digest);
        expect(served.status, `${m.image}@${m.digest}`).toBe(200);
        expect(served.bodyDigest).toBe(m.digest);
        const labels = (await fetchImageConfig(m.image, m.configDigest)).config?.Labels ?? {};
        expect(labels['org.opencontainers.image.revision']).toBe(head);
        expect(labels['org.opencontainers.image.version']).toBe(head.slice(0, 7));
      }
    }
  });

  it("a third empty builder that reads builder a's layer cache, as a pull request reads main's, builds the same digests from the cached dependency layers", async () => {
    const a = sides.find((s) => s.name === 'a');
    if (!a) throw new Error('builder a expected');
    const bk = await startBuildkitd({ name: 'slipway-repro-c' });
    const dir = checkout(ws.root);
    try {
      expect(bk.cacheRecords()).toEqual([]);
      const run = await runNx(dir, ['run-many', '-t', 'docker-build', '--parallel=1', '--skip-nx-cache', '--outputStyle=stream'], {
        BUILDX_BUILDER: bk.builder,
        SLIPWAY_IMAGE_MODE: 'push',
        REGISTRY: a.registry,
        SLIPWAY_PREVIEW_REGISTRY: `127.0.0.1:5000/slipway-repro-${RUN_ID}-c`,
        SLIPWAY_LAYER_CACHE: 'read',
      });
      expect(run.status, run.output.slice(-8000)).toBe(0);
      expect(ranProjects(run.output)).toEqual(projects());
      // The registry cache carried the layers a cache mount could not: the Go modules and the
      // compiled dependencies of each service, and web's npm install.
      for (const service of ['api', 'cache']) {
        expect(run.output).toContain(`importing cache manifest from ${a.registry}/slipway-${service}:buildcache`);
      }
      const cachedStep = (step: RegExp) => new RegExp(`${step.source}[^\\n]*\\n(?:\\S+: )?#\\d+ CACHED`, 'g');
      expect(run.output.match(cachedStep(/RUN go mod download/))?.length ?? 0).toBeGreaterThanOrEqual(2);
      expect(run.output.match(cachedStep(/RUN xargs go build < \/packages.txt/))?.length ?? 0).toBeGreaterThanOrEqual(2);
      expect(run.output).toMatch(cachedStep(/npm ci --ignore-scripts/));
      for (const project of projects()) {
        const fromCache = readMetadata(metadataPath(dir, project));
        expect(fromCache.digest, project).toBe(readMetadata(metadataPath(a.checkout, project)).digest);
      }
    } finally {
      await bk.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
