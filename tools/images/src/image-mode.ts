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
