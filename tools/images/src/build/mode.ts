/** Where docker-build puts the image: the local engine, or a registry. */
export type ImageMode = 'local' | 'push';

/** What the environment says about the build's destination. */
export interface ImageDestination {
  mode: ImageMode;
  /** Registry and namespace in push mode, e.g. `rg.fr-par.scw.cloud/slipway`; empty locally. */
  registry: string;
}

const registryPattern = /^[a-z0-9.-]+(:[0-9]+)?(\/[a-z0-9._-]+)*$/;

/**
 * Reads SLIPWAY_IMAGE_MODE (`local`, the default, or `push`) and REGISTRY.
 * Both are inputs of docker-build's hash, so a local build never satisfies a push.
 */
export function imageDestination(env: NodeJS.ProcessEnv): ImageDestination {
  const mode = env['SLIPWAY_IMAGE_MODE'] || 'local';
  if (mode !== 'local' && mode !== 'push') {
    throw new Error(`SLIPWAY_IMAGE_MODE must be "local" or "push", not "${mode}"`);
  }
  const registry = (env['REGISTRY'] ?? '').replace(/\/+$/, '');
  if (mode === 'push' && !registry) {
    throw new Error('SLIPWAY_IMAGE_MODE=push needs REGISTRY, e.g. REGISTRY=rg.fr-par.scw.cloud/my-namespace');
  }
  if (registry && !registryPattern.test(registry)) {
    throw new Error(`REGISTRY "${registry}" is not a registry host with an optional namespace (lowercase, e.g. localhost:5000/slipway)`);
  }
  return { mode, registry: mode === 'push' ? registry : '' };
}

/**
 * SLIPWAY_PREVIEW_REGISTRY (push mode only): where this job's own builds go
 * instead of REGISTRY, and the only registry docker-publish tags in. CI's
 * pull-request images job sets it: its credentials read REGISTRY (the release
 * namespace, main's) and write only the preview namespace. Deliberately not an
 * input of docker-build's hash, so a pull request's hash is main's for the same
 * inputs, and a cache hit restores main's metadata, naming main's image.
 */
export function previewDestination(env: NodeJS.ProcessEnv): ImageDestination | undefined {
  const raw = env['SLIPWAY_PREVIEW_REGISTRY'];
  if (!raw || imageDestination(env).mode !== 'push') return undefined;
  const registry = raw.replace(/\/+$/, '');
  if (!registryPattern.test(registry)) {
    throw new Error(
      `SLIPWAY_PREVIEW_REGISTRY "${raw}" is not a registry host with a namespace (e.g. rg.fr-par.scw.cloud/slipway-preview); in CI, set the repository variables PREVIEW_REGISTRY_HOST and PREVIEW_REGISTRY_NAMESPACE (docs/ci.md)`,
    );
  }
  if (registry === imageDestination(env).registry) {
    throw new Error(`SLIPWAY_PREVIEW_REGISTRY is REGISTRY (${registry}): the preview namespace must be another one, which main never reads`);
  }
  return { mode: 'push', registry };
}

/** Where a build pushes: the preview registry when SLIPWAY_PREVIEW_REGISTRY is set, else REGISTRY (or the local engine). */
export function buildDestination(env: NodeJS.ProcessEnv): ImageDestination {
  return previewDestination(env) ?? imageDestination(env);
}

/** The image repository of a project: `slipway-<project>`, under the registry when pushing. */
export function imageRepository(project: string, dest: ImageDestination): string {
  const name = `slipway-${project}`;
  return dest.registry ? `${dest.registry}/${name}` : name;
}

/** Tags of one build: the commit, the Nx task hash, and `latest` for local use. */
export function imageTags(shortSha: string, nxHash: string, dest: ImageDestination): string[] {
  const tags = [shortSha, `nx-${nxHash.slice(0, 20)}`];
  if (dest.mode === 'local') tags.push('latest');
  return tags.filter((t) => t !== 'unknown' && t !== 'nx-');
}
