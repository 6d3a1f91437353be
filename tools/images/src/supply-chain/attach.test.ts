import { artifactManifest, attachEvidence, existingEvidence, MEDIA, verifyImage } from './attach';
import { CYCLONEDX_PREDICATE, SLSA_PROVENANCE_V1 } from './provenance';
import { sha256Digest, type FetchedManifest, type RegistryClient } from './registry-client';
import { generateSigningKeyPair, loadPrivateKey, loadPublicKey } from './signing';
import { attachmentTag } from './tag-scheme';

/** The registry at the boundary: blobs and tagged manifests in memory, as the client's four calls see them. */
class MemoryRegistry {
  blobs = new Map<string, Buffer>();
  tags = new Map<string, FetchedManifest>();
  async manifest(ref: string) {
    return this.tags.get(ref);
  }
  async blob(digest: string) {
    const b = this.blobs.get(digest);
    if (!b) throw new Error(`no blob ${digest}`);
    return b;
  }
  async putBlob(bytes: Buffer) {
    this.blobs.set(sha256Digest(bytes), bytes);
    return sha256Digest(bytes);
  }
  async putManifest(tag: string, mediaType: string, bytes: Buffer) {
    this.tags.set(tag, { digest: sha256Digest(bytes), mediaType, bytes });
    return sha256Digest(bytes);
  }
  json(tag: string) {
    return JSON.parse(this.tags.get(tag)!.bytes.toString()) as { layers: { mediaType: string; digest: string; annotations?: Record<string, string> }[] };
  }
}

const image = '127.0.0.1:5000/ns/slipway-api';
const digest = sha256Digest(Buffer.from('the image manifest'));
const other = sha256Digest(Buffer.from('another image manifest'));
const sbomJson = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components: [{ name: 'a' }, { name: 'b' }] });
const provenance = { buildDefinition: { buildType: 'urn:slipway:docker-build:v1' } };
const keys = generateSigningKeyPair();
const signer = loadPrivateKey(keys.privateKey);
const verifier = loadPublicKey(keys.publicKey);

async function signedRegistry() {
  const reg = new MemoryRegistry();
  const client = reg as unknown as RegistryClient;
  const attached = await attachEvidence(client, image, digest, { sbomJson, provenance }, signer, { 'dev.slipway.git-sha': 'abc' });
  return { reg, client, attached };
}

describe('attachEvidence', () => {
  it('puts the SBOM, the attestations and the signature under the digest tags, in cosign’s format', async () => {
    const { reg, attached } = await signedRegistry();
    expect([...reg.tags.keys()].sort()).toEqual(['att', 'sbom', 'sig'].map((k) => attachmentTag(digest, k as 'sig')).sort());
    expect(attached.sbomDigest).toBe(sha256Digest(Buffer.from(sbomJson)));
    expect(attached.sbomPackages).toBe(2);
    const sig = reg.json(attachmentTag(digest, 'sig'));
    expect(sig.layers).toHaveLength(1);
    expect(sig.layers[0]?.mediaType).toBe('application/vnd.dev.cosign.simplesigning.v1+json');
    expect(sig.layers[0]?.annotations?.['dev.cosignproject.cosign/signature']).toMatch(/^[A-Za-z0-9+/]+=*$/);
    const att = reg.json(attachmentTag(digest, 'att'));
    expect(att.layers.map((l) => [l.mediaType, l.annotations?.['predicateType']])).toEqual([
      ['application/vnd.dsse.envelope.v1+json', SLSA_PROVENANCE_V1],
      ['application/vnd.dsse.envelope.v1+json', CYCLONEDX_PREDICATE],
    ]);
    const envelope = JSON.parse(reg.blobs.get(att.layers[0]!.digest)!.toString()) as { payloadType: string; payload: string; signatures: unknown[] };
    expect(envelope.payloadType).toBe('application/vnd.in-toto+json');
    expect(envelope.signatures).toHaveLength(1);
    const st = JSON.parse(Buffer.from(envelope.payload, 'base64').toString()) as { subject: unknown; predicate: unknown };
    expect(st.subject).toEqual([{ name: image, digest: { sha256: digest.slice(7) } }]);
    expect(st.predicate).toEqual(provenance);
    expect(reg.json(attachmentTag(digest, 'sbom')).layers.map((l) => l.mediaType)).toEqual(['application/vnd.cyclonedx+json']);
  });

  it('without a key: SBOM and unsigned attestations, no signature', async () => {
    const reg = new MemoryRegistry();
    const a = await attachEvidence(reg as unknown as RegistryClient, image, digest, { sbomJson, provenance });
    expect(a.signatureManifest).toBeUndefined();
    expect(reg.tags.has(attachmentTag(digest, 'sig'))).toBe(false);
    const env = JSON.parse(reg.blobs.get(reg.json(attachmentTag(digest, 'att')).layers[0]!.digest)!.toString()) as { signatures: unknown[] };
    expect(env.signatures).toEqual([]);
    await expect(verifyImage(reg as unknown as RegistryClient, image, digest, verifier)).rejects.toThrow(/has no signature \(.*\.sig does not exist\)/);
    expect(await existingEvidence(reg as unknown as RegistryClient, digest)).toEqual({ sbomDigest: a.sbomDigest, sbomPackages: 2, attestations: true, signature: false });
  });

  it('the manifest’s config lists its layers, as cosign writes it', () => {
    const { config, manifest } = artifactManifest([{ mediaType: MEDIA.simpleSigning, bytes: Buffer.from('x') }]);
    const m = JSON.parse(manifest.toString()) as { mediaType: string; config: { digest: string; mediaType: string } };
    expect(m.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(m.config).toMatchObject({ mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256Digest(config) });
    expect(JSON.parse(config.toString()).rootfs.diff_ids).toEqual([sha256Digest(Buffer.from('x'))]);
  });
});

describe('verifyImage', () => {
  it('a signed and attested digest verifies', async () => {
    const { client } = await signedRegistry();
    expect(await verifyImage(client, image, digest, verifier)).toEqual({ signatures: 1, predicateTypes: [SLSA_PROVENANCE_V1, CYCLONEDX_PREDICATE] });
  });

  it('another key’s public key refuses it', async () => {
    const { client } = await signedRegistry();
    await expect(verifyImage(client, image, digest, loadPublicKey(generateSigningKeyPair().publicKey))).rejects.toThrow(/no valid signature .*not valid for IMAGE_SIGNING_PUBLIC_KEY/);
  });

  it('a payload changed after signing is refused', async () => {
    const { reg, client } = await signedRegistry();
    const sig = reg.json(attachmentTag(digest, 'sig'));
    const forged = Buffer.from(reg.blobs.get(sig.layers[0]!.digest)!.toString().replace('"abc"', '"abd"'));
    const manifest = artifactManifest([{ mediaType: MEDIA.simpleSigning, bytes: forged, annotations: sig.layers[0]!.annotations }]).manifest;
    await reg.putBlob(forged);
    await reg.putManifest(attachmentTag(digest, 'sig'), MEDIA.manifest, manifest);
    await expect(verifyImage(client, image, digest, verifier)).rejects.toThrow(/no valid signature/);
  });

  it('another digest with this digest’s signature copied to its tag is refused', async () => {
    const { reg, client } = await signedRegistry();
    reg.tags.set(attachmentTag(other, 'sig'), reg.tags.get(attachmentTag(digest, 'sig'))!);
    reg.tags.set(attachmentTag(other, 'att'), reg.tags.get(attachmentTag(digest, 'att'))!);
    await expect(verifyImage(client, image, other, verifier)).rejects.toThrow(new RegExp(`a valid signature is for ${digest}, not ${other}`));
  });

  it('a signature for another repository is refused', async () => {
    const { client } = await signedRegistry();
    await expect(verifyImage(client, '127.0.0.1:5000/ns/slipway-web', digest, verifier)).rejects.toThrow(/a valid signature is for 127\.0\.0\.1:5000\/ns\/slipway-api, not .*slipway-web/);
  });

  it('a signed digest whose attestations are unsigned or missing is refused', async () => {
    const { reg, client } = await signedRegistry();
    const unsigned = new MemoryRegistry();
    await attachEvidence(unsigned as unknown as RegistryClient, image, digest, { sbomJson, provenance });
    for (const [d, b] of unsigned.blobs) reg.blobs.set(d, b);
    reg.tags.set(attachmentTag(digest, 'att'), unsigned.tags.get(attachmentTag(digest, 'att'))!);
    await expect(verifyImage(client, image, digest, verifier)).rejects.toThrow(/an attestation of .* is not signed by IMAGE_SIGNING_PUBLIC_KEY/);
    reg.tags.delete(attachmentTag(digest, 'att'));
    await expect(verifyImage(client, image, digest, verifier)).rejects.toThrow(/has no attestations/);
  });
});
