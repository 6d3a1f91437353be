import type { ImageMetadata } from '../build/metadata';
import { requireBuilder } from '../lib/builder';
import { attachEvidence, existingEvidence, VerificationError, verifyImage } from '../supply-chain/attach';
import { projectProvenance, projectSbom, type BuildDescription } from '../supply-chain/evidence';
import { RegistryClient } from '../supply-chain/registry-client';
import { signingConfig } from '../supply-chain/signing';
import { attachmentTag, parseRepository } from '../supply-chain/tag-scheme';

/** One publish's view of the evidence about its image. */
export interface EvidenceRequest {
  build: BuildDescription;
  meta: ImageMetadata;
  /** The image was built by this job (docker-build here, or a rebuild): it gets new evidence. */
  built: boolean;
  /** How long docker-build took, when it ran in this job. */
  durationMs?: number;
  /** The image is in the release repository (REGISTRY), not the preview one. */
  inRelease: boolean;
  /** This publish adds tags in the release repository. */
  tagsRelease: boolean;
  workspaceRoot: string;
  env: NodeJS.ProcessEnv;
  log: (msg: string) => void;
}

/** What the publish record says about the evidence. */
export interface EvidenceRecord {
  sbomDigest?: string;
  sbomPackages?: number;
  signed: boolean;
  verified: boolean;
  /** Why the signature did not verify, when a check ran and failed without stopping the publish (a job that tags nothing in release). */
  verificationFailed?: string;
}

/**
 * The supply-chain step of docker-publish, before any tag is added:
 * - a build of this job: its SBOM and provenance are attached beside it by
 *   digest, and in the release repository, with IMAGE_SIGNING_KEY, the digest
 *   and the attestations are signed (preview images never are);
 * - a reused image: keeps the evidence of its digest; nothing is re-signed;
 * - an image in the release repository, with a public key
 *   (IMAGE_SIGNING_PUBLIC_KEY, or the signing key's own): its signature and
 *   attestations must verify. A digest that fails is refused when this
 *   publish would tag it in release; in a pull request's job (no tags there)
 *   it is reported. Tagging release without any key is refused in GitHub
 *   Actions (a release tags only verified digests) and allowed, with a
 *   warning, by hand.
 */
export async function superviseEvidence(r: EvidenceRequest): Promise<EvidenceRecord> {
  const { meta, log } = r;
  const signing = signingConfig(r.env);
  const client = new RegistryClient(parseRepository(meta.image), r.env);
  const ref = `${meta.image}@${meta.digest}`;
  const packages = (n?: number) => `${n} package${n === 1 ? '' : 's'}`;
  let record: Omit<EvidenceRecord, 'verified'>;
  if (r.built) {
    const signer = r.inRelease ? signing.signer : undefined;
    const builder = requireBuilder(r.env);
    const sbomJson = projectSbom(r.build, meta, r.workspaceRoot);
    const provenance = projectProvenance(r.build, meta, builder, r.workspaceRoot, r.env, r.durationMs);
    const a = await attachEvidence(client, meta.image, meta.digest, { sbomJson, provenance }, signer, {
      'dev.slipway.git-sha': meta.gitSha,
      'dev.slipway.nx-hash': meta.nxHash,
    });
    log(
      `attached to ${ref}: SBOM ${a.sbomDigest} (${packages(a.sbomPackages)}, :${attachmentTag(meta.digest, 'sbom')}), provenance (:${attachmentTag(meta.digest, 'att')}), ` +
        (a.signatureManifest ? `signature (:${attachmentTag(meta.digest, 'sig')})` : r.inRelease ? 'unsigned: IMAGE_SIGNING_KEY is not set' : 'unsigned (preview images are never signed)'),
    );
    record = { sbomDigest: a.sbomDigest, sbomPackages: a.sbomPackages, signed: !!a.signatureManifest };
  } else {
    const e = await existingEvidence(client, meta.digest);
    const missing = [!e.sbomDigest && 'SBOM', !e.attestations && 'attestations', !e.signature && 'signature'].filter(Boolean);
    log(`reused ${ref} keeps its evidence${e.sbomDigest ? `: SBOM ${e.sbomDigest} (${packages(e.sbomPackages)})` : ''}${missing.length ? `; it has no ${missing.join(', ')}` : ''}`);
    record = { ...(e.sbomDigest ? { sbomDigest: e.sbomDigest, sbomPackages: e.sbomPackages } : {}), signed: e.signature };
  }

  if (r.inRelease && signing.verifier) {
    try {
      const v = await verifyImage(client, meta.image, meta.digest, signing.verifier);
      log(`verified ${ref}: ${v.signatures} signature${v.signatures === 1 ? '' : 's'} and ${v.predicateTypes.length} attestations by the signing key`);
      return { ...record, verified: true };
    } catch (e) {
      if (!(e instanceof VerificationError)) throw e;
      if (!r.tagsRelease) {
        log(`WARNING: ${e.message} (this job tags nothing in the release registry; the main branch's publish refuses it)`);
        return { ...record, verified: false, verificationFailed: e.message };
      }
      throw new Error(
        `refusing to tag ${ref}: ${e.message}. Only digests this pipeline built and signed are tagged; ` +
          'if the Nx cache names an image that was never signed, rebuild it (nx run <project>:docker-build --skip-nx-cache) in a job that holds IMAGE_SIGNING_KEY',
      );
    }
  }
  if (r.tagsRelease) {
    const why = 'no IMAGE_SIGNING_PUBLIC_KEY (or IMAGE_SIGNING_KEY) to verify the signature with';
    if (r.env['GITHUB_ACTIONS'] === 'true') throw new Error(`refusing to tag ${ref} in the release registry: ${why}; a release tags only verified digests (docs/images.md#supply-chain)`);
    log(`WARNING: ${ref} is tagged unverified: ${why}`);
  }
  return { ...record, verified: false };
}
