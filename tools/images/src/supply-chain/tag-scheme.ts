/**
 * Where the evidence about an image lives: beside it, in the same repository,
 * under tags derived from its digest (cosign's scheme, which registries
 * without the OCI referrers API serve as well as any other tag):
 *   <repository>:sha256-<hex>.sig   signatures (simple signing)
 *   <repository>:sha256-<hex>.att   attestations: in-toto statements in DSSE envelopes
 *   <repository>:sha256-<hex>.sbom  the SBOM document itself
 */
export type AttachmentKind = 'sig' | 'att' | 'sbom';

const digestPattern = /^sha256:([0-9a-f]{64})$/;

/** The tag of an attachment of the image with this manifest digest. */
export function attachmentTag(digest: string, kind: AttachmentKind): string {
  const hex = digestPattern.exec(digest)?.[1];
  if (!hex) throw new Error(`"${digest}" is not a sha256 manifest digest`);
  return `sha256-${hex}.${kind}`;
}

/** The digest an attachment tag belongs to, and its kind; undefined for any other tag. */
export function parseAttachmentTag(tag: string): { digest: string; kind: AttachmentKind } | undefined {
  const m = /^sha256-([0-9a-f]{64})\.(sig|att|sbom)$/.exec(tag);
  return m ? { digest: `sha256:${m[1]}`, kind: m[2] as AttachmentKind } : undefined;
}

/** An image repository split into its registry host and its path: `127.0.0.1:5000/ns/slipway-api`. */
export interface Repository {
  host: string;
  path: string;
}

/** Splits `host[:port]/path` (the form metadata.json names images in). */
export function parseRepository(image: string): Repository {
  const i = image.indexOf('/');
  const host = i > 0 ? image.slice(0, i) : '';
  if (!host || !(host.includes('.') || host.includes(':') || host === 'localhost')) {
    throw new Error(`"${image}" names no registry host: attachments need a pushed image (host/namespace/name)`);
  }
  const path = image.slice(i + 1);
  if (!/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(path)) {
    throw new Error(`"${path}" is not a repository path`);
  }
  return { host, path };
}
