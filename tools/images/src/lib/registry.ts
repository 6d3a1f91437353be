import { capture } from './exec';

/** The size of an image, and how it was measured. */
export interface ImageSize {
  bytes: number;
  kind: 'uncompressed' | 'compressed';
}

interface Manifest {
  config?: { size: number };
  layers?: { size: number }[];
}

/** Size in the local engine (uncompressed, as `docker images` shows) or in the registry (compressed layers + config). */
export function imageSize(mode: 'local' | 'push', ref: string, repository: string, digest: string): ImageSize {
  if (mode === 'local') {
    return { bytes: Number(capture('docker', ['image', 'inspect', '--format', '{{.Size}}', ref]).trim()), kind: 'uncompressed' };
  }
  const manifest = rawManifest(`${repository}@${digest}`);
  const bytes = (manifest.config?.size ?? 0) + (manifest.layers ?? []).reduce((n, l) => n + l.size, 0);
  return { bytes, kind: 'compressed' };
}

/** The raw manifest of a reference in a registry, through buildx (which knows the builder's registry settings). */
export function rawManifest(ref: string): Manifest {
  return JSON.parse(capture('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref])) as Manifest;
}
