import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageBuildArgs } from './build-args';
import { buildxArgs, PLATFORM } from './buildx-args';
import { buildDestination, imageRepository, imageTags } from './mode';
import { capture, stream } from '../lib/exec';
import { gitInfo } from '../lib/git';
import { metadataPath, writeMetadata, type ImageMetadata } from './metadata';
import { requireBuildx } from '../lib/docker';
import { describeBuilder, requireBuilder } from '../lib/builder';
import { imageSize } from '../lib/registry';
import { writeBuildMarker } from './build-marker';
import { layerCache } from './layer-cache';

/** What to build: one project's Dockerfile, context and build arguments. */
export interface ImageBuild {
  project: string;
  dockerfile: string;
  context: string;
  /** `KEY=VALUE` pairs from the target (e.g. `SERVICE=api`). */
  buildArgPairs: string[];
  /** The Nx task hash of docker-build (NX_TASK_HASH when Nx runs it). */
  nxHash: string;
  noCache?: boolean;
}

/**
 * Builds one project's image for linux/amd64 with BuildKit, into the engine or
 * the registry (SLIPWAY_IMAGE_MODE, REGISTRY; SLIPWAY_PREVIEW_REGISTRY instead
 * when set, see buildDestination), writes
 * dist/images/<project>/metadata.json, and leaves a build marker outside the
 * cached outputs so docker-publish can tell a build of this workspace from a
 * cache hit.
 */
export async function buildImage(build: ImageBuild, workspaceRoot = process.cwd()): Promise<ImageMetadata> {
  const { project, dockerfile, context, nxHash } = build;
  const dest = buildDestination(process.env);
  requireBuildx();
  const builder = requireBuilder(process.env);
  const cache = layerCache(project, process.env);

  const git = gitInfo(workspaceRoot);
  const repository = imageRepository(project, dest);
  const tags = imageTags(git.short, nxHash, dest);
  if (tags.length === 0) tags.push('dev');
  const buildArgs = imageBuildArgs(build.buildArgPairs, git.sha, process.env);

  const scratch = mkdtempSync(join(tmpdir(), 'docker-build-'));
  const metadataFile = join(scratch, 'buildx.json');
  const started = Date.now();
  console.log(`docker-build: ${project} → ${repository}:{${tags.join(',')}} (${PLATFORM}, ${dest.mode}) on ${describeBuilder(builder)}`);
  if (cache) console.log(`docker-build: layer cache ${cache.ref} (${cache.mode === 'read' ? 'read only' : 'read and write'})`);
  try {
    await stream(
      'docker',
      buildxArgs({ dockerfile, context, repository, tags, buildArgs, dest, metadataFile, noCache: build.noCache, builder: builder.name, layerCache: cache }),
    );
    const buildx = JSON.parse(readFileSync(metadataFile, 'utf8')) as Record<string, string>;
    const digest = buildx['containerimage.digest'];
    const configDigest = buildx['containerimage.config.digest'];
    if (!digest || !configDigest) throw new Error(`buildx wrote no image digest to its metadata file: ${JSON.stringify(buildx)}`);
    const ref = `${repository}:${tags[0]}`;
    const size = imageSize(dest.mode, ref, repository, digest);
    if (dest.mode === 'local') {
      const platform = capture('docker', ['image', 'inspect', '--format', '{{.Os}}/{{.Architecture}}', ref]).trim();
      if (platform !== PLATFORM) throw new Error(`built ${ref} for ${platform}, not ${PLATFORM}`);
    }
    const meta: ImageMetadata = {
      project,
      image: repository,
      tags,
      digest,
      configDigest,
      platform: PLATFORM,
      sizeBytes: size.bytes,
      sizeKind: size.kind,
      nxHash,
      gitSha: git.sha,
      mode: dest.mode,
      dockerfile,
      builtAt: new Date().toISOString(),
    };
    const durationMs = Date.now() - started;
    const file = metadataPath(workspaceRoot, project);
    writeMetadata(file, meta);
    writeBuildMarker(workspaceRoot, { project, nxHash, digest, durationMs });
    console.log(
      `docker-build: ${project} built in ${(durationMs / 1000).toFixed(1)} s: ${digest} (${(size.bytes / 1e6).toFixed(1)} MB ${size.kind}); wrote ${file}`,
    );
    return meta;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
