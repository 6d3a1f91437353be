import { imageDestination, imageRepository, previewDestination } from './mode';

/** What a build does with the shared BuildKit layer cache in the registry. */
export type LayerCacheMode = 'off' | 'read' | 'readwrite';

/** The layer cache of one image: its reference and what this build may do with it. */
export interface LayerCache {
  mode: Exclude<LayerCacheMode, 'off'>;
  /** `<REGISTRY>/slipway-<project>:buildcache`: always main's namespace, never a preview one. */
  ref: string;
}

/** The tag of an image's layer cache, beside its releases in the same repository. */
export const LAYER_CACHE_TAG = 'buildcache';

/**
 * Reads SLIPWAY_LAYER_CACHE: `off` (the default outside CI), `read` (pull requests: take main's
 * layers) or `readwrite` (main: take them and write its own back). The cache lives in REGISTRY,
 * main's namespace. It does not change the image, so it is not part of docker-build's hash; what
 * a job may write is decided by its registry credentials, this only picks the flags.
 */
export function layerCache(project: string, env: NodeJS.ProcessEnv): LayerCache | undefined {
  const raw = (env['SLIPWAY_LAYER_CACHE'] ?? '').trim() || 'off';
  if (raw !== 'off' && raw !== 'read' && raw !== 'readwrite') {
    throw new Error(`SLIPWAY_LAYER_CACHE must be "off", "read" or "readwrite", not "${raw}"`);
  }
  if (raw === 'off') return undefined;
  const registry = (env['REGISTRY'] ?? '').replace(/\/+$/, '');
  if (!registry) {
    throw new Error(`SLIPWAY_LAYER_CACHE=${raw} needs REGISTRY, the namespace main pushes to (its cache is <REGISTRY>/slipway-<project>:${LAYER_CACHE_TAG})`);
  }
  if (raw === 'readwrite' && previewDestination(env)) {
    throw new Error(
      'SLIPWAY_LAYER_CACHE=readwrite writes main\'s layer cache, but this job pushes to SLIPWAY_PREVIEW_REGISTRY: a pull request reads the cache (SLIPWAY_LAYER_CACHE=read) and never writes it',
    );
  }
  const release = imageDestination({ ...env, SLIPWAY_IMAGE_MODE: 'push', REGISTRY: registry });
  return { mode: raw, ref: `${imageRepository(project, release)}:${LAYER_CACHE_TAG}` };
}

/** The buildx flags for a layer cache: OCI media types and an image manifest, which every OCI registry takes. */
export function layerCacheArgs(cache: LayerCache | undefined): string[] {
  if (!cache) return [];
  const args = ['--cache-from', `type=registry,ref=${cache.ref}`];
  if (cache.mode === 'readwrite') {
    // mode=max: the layers of every stage (the Go modules and compiled dependencies, the npm
    // install), not only the final image's. zstd: unpacking them is a large part of a fresh
    // builder's build, and zstd decompresses faster than gzip (the image keeps gzip, and its
    // digest). A failed export must not fail a build that worked.
    args.push(
      '--cache-to',
      `type=registry,ref=${cache.ref},mode=max,oci-mediatypes=true,image-manifest=true,compression=zstd,ignore-error=true`,
    );
  }
  return args;
}
