import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageBuildArgs } from '../build/build-args';
import type { ImageMetadata } from '../build/metadata';
import type { Builder } from '../lib/builder';
import { capture } from '../lib/exec';
import { ciRunOf, slsaProvenance } from './provenance';
import { goServiceSbom, npmAppSbom } from './sbom';

/** The build docker-publish describes: the target's Dockerfile, context and build arguments. */
export interface BuildDescription {
  project: string;
  dockerfile: string;
  context: string;
  buildArgPairs: string[];
}

/** The source repository's URL: GitHub's, else IMAGE_SOURCE_URL, else the git remote `origin`. */
export function sourceRepository(workspaceRoot: string, env: NodeJS.ProcessEnv): string {
  if (env['GITHUB_SERVER_URL'] && env['GITHUB_REPOSITORY']) return `${env['GITHUB_SERVER_URL']}/${env['GITHUB_REPOSITORY']}`;
  if (env['IMAGE_SOURCE_URL']) return env['IMAGE_SOURCE_URL'];
  return capture('git', ['remote', 'get-url', 'origin'], { cwd: workspaceRoot, allowFail: true }).trim() || 'unknown';
}

/**
 * The SBOM of a project's image: a Go service (a SERVICE build argument and a
 * go.mod in the context) from the modules its main package links; a Node app
 * from the pruned lockfile docker-deps wrote for its image.
 */
export function projectSbom(build: BuildDescription, meta: ImageMetadata, workspaceRoot: string): string {
  const version = meta.gitSha.slice(0, 7);
  const service = build.buildArgPairs.find((p) => p.startsWith('SERVICE='))?.slice('SERVICE='.length);
  const goDir = join(workspaceRoot, build.context);
  if (service && existsSync(join(goDir, 'go.mod'))) return goServiceSbom(goDir, service, meta.image, meta.digest, version);
  const lockfile = join(workspaceRoot, 'dist', 'docker', build.project, 'package-lock.json');
  if (existsSync(lockfile)) return npmAppSbom(lockfile, meta.image, meta.digest, version);
  throw new Error(`no SBOM source for ${build.project}: neither a Go service (SERVICE build argument, go.mod in ${build.context}) nor a pruned lockfile (${lockfile}, from docker-deps)`);
}

/** The SLSA provenance of a build of this job. */
export function projectProvenance(
  build: BuildDescription,
  meta: ImageMetadata,
  builder: Builder,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv,
  durationMs?: number,
): object {
  const dockerfileBytes = readFileSync(join(workspaceRoot, build.dockerfile));
  return slsaProvenance({
    meta,
    sourceRepository: sourceRepository(workspaceRoot, env),
    ...(env['GITHUB_REF'] ? { ref: env['GITHUB_REF'] } : {}),
    dockerfile: build.dockerfile,
    dockerfileDigest: `sha256:${createHash('sha256').update(dockerfileBytes).digest('hex')}`,
    context: build.context,
    buildArgs: imageBuildArgs(build.buildArgPairs, meta.gitSha, env),
    builder,
    ci: ciRunOf(env),
    ...(durationMs !== undefined ? { durationMs } : {}),
  });
}
