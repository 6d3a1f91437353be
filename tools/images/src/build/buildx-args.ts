import { layerCacheArgs, type LayerCache } from './layer-cache';
import type { ImageDestination } from './mode';

/** Everything one `docker buildx build` needs to know. */
export interface BuildRequest {
  dockerfile: string;
  context: string;
  repository: string;
  tags: string[];
  buildArgs: Record<string, string>;
  dest: ImageDestination;
  metadataFile: string;
  /** Skip BuildKit's layer cache (`docker-build --no-cache`). */
  noCache?: boolean;
  /** The buildx builder to run on (named, so the build runs where docker-build said it would). */
  builder?: string;
  /** The registry layer cache to read, or read and write (SLIPWAY_LAYER_CACHE). */
  layerCache?: LayerCache;
}

/** The one platform every image is built for, whatever the build host. */
export const PLATFORM = 'linux/amd64';

/** Arguments for `docker buildx build`: the image goes to the engine (local) or the registry (push). */
export function buildxArgs(req: BuildRequest): string[] {
  const args = ['buildx', 'build', '--platform', PLATFORM, '--file', req.dockerfile, '--progress', 'plain'];
  if (req.builder) args.push('--builder', req.builder);
  for (const [k, v] of Object.entries(req.buildArgs)) args.push('--build-arg', `${k}=${v}`);
  for (const tag of req.tags) args.push('--tag', `${req.repository}:${tag}`);
  // One manifest per image (no attestation index). rewrite-timestamp sets the file times in the
  // layers to SOURCE_DATE_EPOCH, which build-image.ts fixes at 0: same inputs, same digest.
  args.push('--provenance=false', '--sbom=false');
  args.push(
    '--output',
    req.dest.mode === 'push' ? 'type=image,push=true,rewrite-timestamp=true' : 'type=docker,rewrite-timestamp=true',
  );
  args.push('--metadata-file', req.metadataFile);
  args.push(...layerCacheArgs(req.layerCache));
  if (req.noCache) args.push('--no-cache');
  args.push(req.context);
  return args;
}
