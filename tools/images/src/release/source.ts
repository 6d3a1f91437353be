import { join } from 'node:path';
import { imageDestination, imageRepository } from '../build/mode';

/** The tag in the release registry that names what main built and verified last. */
export const DEFAULT_RELEASE_FROM = 'main';

/** Where a release takes a project's image from: the release repository and the tag main moves. */
export interface ReleaseSource {
  project: string;
  /** `<REGISTRY>/slipway-<project>`: the release repository, where the release tags go too. */
  image: string;
  /** The tag read once, at the start of the release, to find main's digest (SLIPWAY_RELEASE_FROM, default `main`). */
  from: string;
}

const tagPattern = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** Reads REGISTRY (the release namespace, push mode) and SLIPWAY_RELEASE_FROM. */
export function releaseSource(project: string, env: NodeJS.ProcessEnv): ReleaseSource {
  const dest = imageDestination({ ...env, SLIPWAY_IMAGE_MODE: 'push' });
  if (env['SLIPWAY_PREVIEW_REGISTRY']) throw new Error('a release reads and tags the release registry (REGISTRY) only: unset SLIPWAY_PREVIEW_REGISTRY');
  const from = env['SLIPWAY_RELEASE_FROM'] || DEFAULT_RELEASE_FROM;
  if (!tagPattern.test(from)) throw new Error(`SLIPWAY_RELEASE_FROM "${from}" is not an image tag`);
  return { project, image: imageRepository(project, dest), from };
}

/**
 * The local name Nx's Docker release tags from, `docker tag <name> <repository>:<version>`:
 * the project root with separators as hyphens (`go/apps/api` → `go-apps-api`), as
 * @nx/docker's version-utils makes it.
 */
export function nxLocalImageName(projectRoot: string): string {
  const n = projectRoot
    .replace(/^[\\/]/, '')
    .replace(/[\\/\s]+/g, '-')
    .toLowerCase();
  return n.length > 128 ? n.slice(-128) : n;
}

/** Where Nx's version step writes the image reference it tagged (`<repository>:<version>`). */
export function nxDockerVersionPath(workspaceRoot: string, projectRoot: string): string {
  return join(workspaceRoot, 'tmp', projectRoot, '.docker-version');
}

/** Splits the reference Nx wrote into repository and version, and checks it is this project's. */
export function parseNxDockerVersion(ref: string, repositoryName: string): string {
  const trimmed = ref.trim();
  const i = trimmed.lastIndexOf(':');
  const repo = i > 0 ? trimmed.slice(0, i) : '';
  const version = i > 0 ? trimmed.slice(i + 1) : '';
  if (!repo || repo.includes('@') || !tagPattern.test(version)) throw new Error(`"${trimmed}" is not <repository>:<version>`);
  if (repo.split('/').at(-1) !== repositoryName) throw new Error(`"${trimmed}" is not an image of ${repositoryName}: check release.docker.repositoryName`);
  return version;
}

/** What the pull step found for one project, read back by nx-release-publish. */
export interface PulledRelease {
  project: string;
  image: string;
  from: string;
  digest: string;
  /** The local name Nx tags from. */
  localName: string;
  verified: true;
  pulledAt: string;
}

/** Where the pull step leaves its record (tmp/, not a cached output). */
export function pulledReleasePath(workspaceRoot: string, project: string): string {
  return join(workspaceRoot, 'tmp', 'release', `${project}.json`);
}

/** Where nx-release-publish writes what it tagged. */
export function releaseRecordPath(workspaceRoot: string, project: string): string {
  return join(workspaceRoot, 'dist', 'images', project, 'release.json');
}
