import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { buildxArgs } from '@slipway/images/src/build/buildx-args';
import { LAYER_CACHE_TAG } from '@slipway/images/src/build/layer-cache';
import { GO_DOCKERFILE, imageProjects, type ImageProject } from '@slipway/images/src/infer/projects';
import { timed, type Timed } from './run';
import type { Clone } from './workspace';

/** The builder every benchmark uses (the offline harness registers it). */
export const BUILDER = 'slipway';

/** Image projects of a workspace by project name (web, api, cache…), as the images plugin infers them. */
export function images(root: string): Map<string, ImageProject> {
  // apps/<app>/Dockerfile of every app (the scale generator adds web apps), and the Go services.
  const appDockerfiles = existsSync(join(root, 'apps'))
    ? readdirSync(join(root, 'apps'), { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(join(root, 'apps', e.name, 'Dockerfile')))
        .map((e) => `apps/${e.name}/Dockerfile`)
        .sort()
    : [];
  const projects = imageProjects([...appDockerfiles, GO_DOCKERFILE], root);
  return new Map(projects.map((p) => [basename(p.root), p]));
}

/**
 * Fails with the fix when the harness builder is not up; otherwise selects it
 * (BUILDX_BUILDER) for every command the benchmark starts, Nx runs included.
 */
export function requireBuilder(): void {
  const r = spawnSync('docker', ['buildx', 'inspect', BUILDER], { encoding: 'utf8' });
  if (r.status !== 0 || !/Status:\s+running/.test(r.stdout)) {
    throw new Error(`the buildx builder "${BUILDER}" is not running: start the harness with \`bash tools/image-harness/up.sh\`\n${r.stderr}`);
  }
  process.env['BUILDX_BUILDER'] = BUILDER;
}

/** The image tag a plain (non-Nx) benchmark build writes; removed afterwards by removeBenchImages. */
export const benchRef = (project: string) => `slipway-bench-${project}:plain`;

/** Where a plain build runs and what it does with the image and the registry layer cache. */
export interface PlainBuildOptions {
  /** Skip BuildKit's layer cache (its cache mounts, i.e. the npm and Go module/build caches, stay warm). */
  noCache?: boolean;
  /** The buildx builder (default: the harness's `slipway`). */
  builder?: string;
  /** Push to `<registry>/slipway-<project>:<short sha>` instead of loading into the engine. */
  pushTo?: string;
  /** `--cache-from` (read) and `--cache-to … mode=max` (readwrite) at `<pushTo>/slipway-<project>:buildcache`. */
  layerCache?: 'read' | 'readwrite';
  /** VERSION and REVISION from this commit instead of HEAD (the tag stays HEAD's): the build arguments of an earlier build. */
  revision?: string;
}

/**
 * `docker buildx build` of one image outside Nx, with the same flags and build arguments
 * as the docker-build target (output to the engine, or pushed; fixed SOURCE_DATE_EPOCH), so
 * the only difference to `nx … docker-build` is Nx.
 */
export function plainBuild(clone: Clone, project: string, opts: PlainBuildOptions = {}): Timed {
  const image = images(clone.root).get(project);
  if (!image) throw new Error(`no image project "${project}" in ${clone.root}`);
  const sha = clone.git('rev-parse', 'HEAD');
  const stamp = opts.revision ?? sha;
  const scratch = mkdtempSync(join(tmpdir(), 'slipway-bench-buildx-'));
  const builder = opts.builder ?? BUILDER;
  try {
    const repository = opts.pushTo ? `${opts.pushTo}/slipway-${project}` : `slipway-bench-${project}`;
    const args = buildxArgs({
      dockerfile: image.dockerfile,
      context: image.context,
      repository,
      tags: [opts.pushTo ? sha.slice(0, 7) : 'plain'],
      buildArgs: { VERSION: stamp.slice(0, 7), REVISION: stamp, SOURCE_DATE_EPOCH: '0', ...image.buildArgs },
      dest: opts.pushTo ? { mode: 'push', registry: opts.pushTo } : { mode: 'local', registry: '' },
      metadataFile: join(scratch, 'buildx.json'),
      noCache: opts.noCache,
      builder,
      layerCache: opts.layerCache && opts.pushTo ? { mode: opts.layerCache, ref: `${repository}:${LAYER_CACHE_TAG}` } : undefined,
    });
    return timed('docker', args, {
      cwd: clone.root,
      env: { ...process.env, BUILDX_BUILDER: builder },
      label: `docker buildx build ${project}${opts.noCache ? ' --no-cache' : ''}${opts.pushTo ? ' --push' : ''}${opts.layerCache ? ` (registry cache ${opts.layerCache})` : ''}`,
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Removes the tags plain benchmark builds made (never anyone else's). */
export function removeBenchImages(projects: readonly string[]): void {
  for (const p of projects) spawnSync('docker', ['rmi', benchRef(p)], { stdio: 'ignore' });
}

/** Removes every tag of the engine's `slipway-<project>` images of generated projects (docker-build of a scale workspace loads them). */
export function removeGeneratedImages(projects: readonly string[]): void {
  for (const p of projects.filter((x) => /^gen(svc|web)\d+$/.test(x))) {
    const tags = spawnSync('docker', ['images', `slipway-${p}`, '--format', '{{.Repository}}:{{.Tag}}'], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean) ?? [];
    if (tags.length) spawnSync('docker', ['rmi', ...tags], { stdio: 'ignore' });
  }
}

/** `docker image inspect` of one field. */
export function inspect(ref: string, format: string): string {
  return execFileSync('docker', ['image', 'inspect', '--format', format, ref], { encoding: 'utf8' }).trim();
}

/** Versions of the engine, buildx and BuildKit, for the results. */
export function dockerVersions(): Record<string, string> {
  const out = (args: string[]) => spawnSync('docker', args, { encoding: 'utf8' }).stdout?.trim() ?? '';
  const builder = out(['buildx', 'inspect', BUILDER]);
  return {
    engine: out(['version', '--format', '{{.Server.Version}}']),
    buildx: out(['buildx', 'version']).split(' ')[1] ?? '',
    buildkit: /BuildKit version:\s*(\S+)/.exec(builder)?.[1] ?? '',
  };
}
