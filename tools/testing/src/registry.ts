import { createHash } from 'node:crypto';

/** The Accept header for a manifest or an index, OCI or Docker. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** A manifest as a plain-HTTP registry (the harness's 127.0.0.1:5000) serves it. */
export interface RegistryManifest {
  status: number;
  /** The Docker-Content-Digest the registry answered with. */
  digest: string;
  /** sha256 of the bytes served: equal to `digest` for an intact manifest. */
  bodyDigest: string;
  manifest: { mediaType?: string; config?: { digest: string }; layers?: { digest: string; size: number }[] };
}

/** Splits `127.0.0.1:5000/ns/slipway-api` into the registry host and the repository path. */
function split(image: string): { host: string; repo: string } {
  const i = image.indexOf('/');
  return { host: image.slice(0, i), repo: image.slice(i + 1) };
}

/** Fetches `image`'s manifest by tag or digest over the registry's HTTP API. */
export async function fetchManifest(image: string, reference: string): Promise<RegistryManifest> {
  const { host, repo } = split(image);
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${reference}`, { headers: { Accept: MANIFEST_TYPES } });
  const body = Buffer.from(await res.arrayBuffer());
  return {
    status: res.status,
    digest: res.headers.get('docker-content-digest') ?? '',
    bodyDigest: `sha256:${createHash('sha256').update(body).digest('hex')}`,
    manifest: res.ok ? (JSON.parse(body.toString('utf8')) as RegistryManifest['manifest']) : {},
  };
}

/** The image config (labels, user, …) of a manifest in the registry. */
export async function fetchImageConfig(image: string, configDigest: string): Promise<{ config?: { Labels?: Record<string, string> } }> {
  const { host, repo } = split(image);
  const res = await fetch(`http://${host}/v2/${repo}/blobs/${configDigest}`);
  if (!res.ok) throw new Error(`GET config ${configDigest} of ${image}: HTTP ${res.status}`);
  return (await res.json()) as { config?: { Labels?: Record<string, string> } };
}
