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
  if (mode === 'local') return { bytes: engineSize(ref), kind: 'uncompressed' };
  const manifest = rawManifest(`${repository}@${digest}`);
  const bytes = (manifest.config?.size ?? 0) + (manifest.layers ?? []).reduce((n, l) => n + l.size, 0);
  return { bytes, kind: 'compressed' };
}

/** Uncompressed size of an image in the local engine, as `docker images` shows it. */
export function engineSize(ref: string): number {
  return Number(capture('docker', ['image', 'inspect', '--format', '{{.Size}}', ref]).trim());
}

/** The raw manifest of a reference in a registry, through buildx (which knows the builder's registry settings). */
export function rawManifest(ref: string): Manifest {
  return JSON.parse(capture('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref])) as Manifest;
}
