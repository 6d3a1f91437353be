import type { KeyObject } from 'node:crypto';
import { IN_TOTO_PAYLOAD_TYPE, SLSA_PROVENANCE_V1, CYCLONEDX_PREDICATE, statement, type Statement } from './provenance';
import { sha256Digest, type RegistryClient } from './registry-client';
import { pae, parseSimpleSigning, signBytes, simpleSigningPayload, verifyBytes } from './signing';
import { sbomPackageCount } from './sbom';
import { attachmentTag } from './tag-scheme';

/** Media types and annotations of cosign's attachments, so `cosign verify`, `verify-attestation` and `download sbom` read ours. */
export const MEDIA = {
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  simpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  dsse: 'application/vnd.dsse.envelope.v1+json',
  cyclonedx: 'application/vnd.cyclonedx+json',
} as const;
export const SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const PREDICATE_ANNOTATION = 'predicateType';

/** One layer of an attachment manifest. */
export interface ArtifactLayer {
  mediaType: string;
  bytes: Buffer;
  annotations?: Record<string, string>;
}

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

interface Manifest {
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
}

/** The config blob cosign writes for its attachments: an empty image whose layers are the attachment's. */
function artifactConfig(layerDigests: string[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: '',
      config: {},
      created: '0001-01-01T00:00:00Z',
      history: [{ created: '0001-01-01T00:00:00Z' }],
      os: '',
      rootfs: { type: 'layers', diff_ids: layerDigests },
    }),
  );
}

/** The OCI manifest of an attachment, and its config, as bytes. */
export function artifactManifest(layers: ArtifactLayer[]): { config: Buffer; manifest: Buffer } {
  const descriptors: Descriptor[] = layers.map((l) => ({
    mediaType: l.mediaType,
    size: l.bytes.length,
    digest: sha256Digest(l.bytes),
    ...(l.annotations ? { annotations: l.annotations } : {}),
  }));
  const config = artifactConfig(descriptors.map((d) => d.digest));
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: { mediaType: MEDIA.config, size: config.length, digest: sha256Digest(config) },
    layers: descriptors,
  };
  return { config, manifest: Buffer.from(JSON.stringify(manifest)) };
}

/** Uploads an attachment's blobs and puts its manifest under the tag; returns the manifest digest. */
export async function pushArtifact(client: RegistryClient, tag: string, layers: ArtifactLayer[]): Promise<string> {
  const { config, manifest } = artifactManifest(layers);
  for (const l of layers) await client.putBlob(l.bytes);
  await client.putBlob(config);
  return client.putManifest(tag, MEDIA.manifest, manifest);
}

/** A DSSE envelope around an in-toto statement, signed when a key is given (an empty signature list otherwise). */
export function dsseEnvelope(st: Statement, signer?: KeyObject): Buffer {
  const body = Buffer.from(JSON.stringify(st));
  const signatures = signer ? [{ keyid: '', sig: signBytes(signer, pae(IN_TOTO_PAYLOAD_TYPE, body)) }] : [];
  return Buffer.from(JSON.stringify({ payloadType: IN_TOTO_PAYLOAD_TYPE, payload: body.toString('base64'), signatures }));
}

/** What docker-publish attached beside an image. */
export interface AttachedEvidence {
  /** Digest of the SBOM document (the .sbom layer), and how many packages it lists. */
  sbomDigest: string;
  sbomPackages: number;
  /** Manifest digests of the attachments. */
  sbomManifest: string;
  attestationManifest: string;
  signatureManifest?: string;
}

/**
 * Attaches the evidence about an image beside it, by digest (tag-scheme.ts):
 * the SBOM document at `.sbom`; the provenance and the SBOM as in-toto
 * statements in DSSE envelopes at `.att`; with a key, the simple-signing
 * signature of the digest at `.sig` (the envelopes are then signed too).
 * The image itself is not touched: its digest stays.
 */
export async function attachEvidence(
  client: RegistryClient,
  image: string,
  digest: string,
  evidence: { sbomJson: string; provenance: object },
  signer?: KeyObject,
  optional: Record<string, string> = {},
): Promise<AttachedEvidence> {
  const sbomBytes = Buffer.from(evidence.sbomJson);
  const sbomManifest = await pushArtifact(client, attachmentTag(digest, 'sbom'), [{ mediaType: MEDIA.cyclonedx, bytes: sbomBytes }]);
  const statements: Statement[] = [
    statement(image, digest, SLSA_PROVENANCE_V1, evidence.provenance),
    statement(image, digest, CYCLONEDX_PREDICATE, JSON.parse(evidence.sbomJson) as object),
  ];
  const attestationManifest = await pushArtifact(
    client,
    attachmentTag(digest, 'att'),
    statements.map((st) => ({
      mediaType: MEDIA.dsse,
      bytes: dsseEnvelope(st, signer),
      annotations: { [SIGNATURE_ANNOTATION]: '', [PREDICATE_ANNOTATION]: st.predicateType },
    })),
  );
  let signatureManifest: string | undefined;
  if (signer) {
    const payload = simpleSigningPayload(image, digest, optional);
    signatureManifest = await pushArtifact(client, attachmentTag(digest, 'sig'), [
      { mediaType: MEDIA.simpleSigning, bytes: payload, annotations: { [SIGNATURE_ANNOTATION]: signBytes(signer, payload) } },
    ]);
  }
  return { sbomDigest: sha256Digest(sbomBytes), sbomPackages: sbomPackageCount(evidence.sbomJson), sbomManifest, attestationManifest, signatureManifest };
}

async function manifestOf(client: RegistryClient, tag: string): Promise<Manifest | undefined> {
  const m = await client.manifest(tag);
  return m && (JSON.parse(m.bytes.toString('utf8')) as Manifest);
}

/** The evidence an image already has: its SBOM (digest, packages) and whether attestations and a signature are there. Nothing is checked. */
export async function existingEvidence(client: RegistryClient, digest: string): Promise<{ sbomDigest?: string; sbomPackages?: number; attestations: boolean; signature: boolean }> {
  const sbom = await manifestOf(client, attachmentTag(digest, 'sbom'));
  const layer = sbom?.layers?.find((l) => l.mediaType === MEDIA.cyclonedx);
  const sbomPackages = layer ? sbomPackageCount((await client.blob(layer.digest)).toString('utf8')) : undefined;
  return {
    ...(layer ? { sbomDigest: layer.digest, sbomPackages } : {}),
    attestations: !!(await client.manifest(attachmentTag(digest, 'att'))),
    signature: !!(await client.manifest(attachmentTag(digest, 'sig'))),
  };
}

/** A digest whose signature or attestations do not verify, and why. */
export class VerificationError extends Error {}

/** What a verification found. */
export interface Verified {
  signatures: number;
  predicateTypes: string[];
}

/**
 * Verifies an image by digest against the public key: at `.sig`, a
 * simple-signing payload for this repository and digest, signed by the key;
 * at `.att`, a provenance and an SBOM statement about this digest, each in a
 * DSSE envelope signed by the key. Throws VerificationError saying what is
 * missing or wrong; a signature of another digest, a payload changed after
 * signing, or another key's signature all fail.
 */
export async function verifyImage(client: RegistryClient, image: string, digest: string, verifier: KeyObject): Promise<Verified> {
  const where = (kind: 'sig' | 'att') => `${image}:${attachmentTag(digest, kind)}`;
  const sig = await manifestOf(client, attachmentTag(digest, 'sig'));
  if (!sig) throw new VerificationError(`${image}@${digest} has no signature (${where('sig')} does not exist)`);
  const problems: string[] = [];
  let signatures = 0;
  for (const layer of (sig.layers ?? []).filter((l) => l.mediaType === MEDIA.simpleSigning)) {
    const payload = await client.blob(layer.digest);
    const signature = layer.annotations?.[SIGNATURE_ANNOTATION] ?? '';
    if (!verifyBytes(verifier, payload, signature)) {
      problems.push(`signature ${layer.digest.slice(0, 19)}… is not valid for IMAGE_SIGNING_PUBLIC_KEY`);
      continue;
    }
    const p = parseSimpleSigning(payload);
    if (p.critical.image['docker-manifest-digest'] !== digest) {
      problems.push(`a valid signature is for ${p.critical.image['docker-manifest-digest']}, not ${digest}`);
      continue;
    }
    if (p.critical.identity['docker-reference'] !== image) {
      problems.push(`a valid signature is for ${p.critical.identity['docker-reference']}, not ${image}`);
      continue;
    }
    signatures++;
  }
  if (signatures === 0) throw new VerificationError(`${image}@${digest} has no valid signature at ${where('sig')}: ${problems.join('; ') || 'no simple-signing layer'}`);

  const att = await manifestOf(client, attachmentTag(digest, 'att'));
  if (!att) throw new VerificationError(`${image}@${digest} has no attestations (${where('att')} does not exist)`);
  const predicateTypes: string[] = [];
  for (const layer of (att.layers ?? []).filter((l) => l.mediaType === MEDIA.dsse)) {
    const env = JSON.parse((await client.blob(layer.digest)).toString('utf8')) as { payloadType: string; payload: string; signatures?: { sig: string }[] };
    const body = Buffer.from(env.payload, 'base64');
    const signed = (env.signatures ?? []).some((s) => verifyBytes(verifier, pae(env.payloadType, body), s.sig));
    if (!signed) throw new VerificationError(`an attestation of ${image}@${digest} (${layer.digest.slice(0, 19)}…) is not signed by IMAGE_SIGNING_PUBLIC_KEY`);
    const st = JSON.parse(body.toString('utf8')) as Statement;
    if (!st.subject?.some((s) => `sha256:${s.digest?.sha256}` === digest)) {
      throw new VerificationError(`an attestation at ${where('att')} is about ${st.subject?.map((s) => s.digest?.sha256).join(', ')}, not ${digest}`);
    }
    predicateTypes.push(st.predicateType);
  }
  for (const needed of [SLSA_PROVENANCE_V1, CYCLONEDX_PREDICATE]) {
    if (!predicateTypes.includes(needed)) throw new VerificationError(`${image}@${digest} has no signed ${needed} attestation at ${where('att')}`);
  }
  return { signatures, predicateTypes };
}
