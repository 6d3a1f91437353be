import { VerificationError, verifyImage } from '../supply-chain/attach';
import { RegistryClient } from '../supply-chain/registry-client';
import { signingConfig } from '../supply-chain/signing';
import { parseRepository } from '../supply-chain/tag-scheme';

/**
 * The supply-chain gate of a release: the digest's signature and signed
 * attestations must verify against IMAGE_SIGNING_PUBLIC_KEY (or the signing
 * key's own public key). Unlike docker-publish by hand, a release never tags
 * an unverified digest: without a key it refuses, wherever it runs.
 */
export async function verifyForRelease(image: string, digest: string, env: NodeJS.ProcessEnv): Promise<string> {
  const { verifier } = signingConfig(env);
  if (!verifier) throw new Error(`refusing to release ${image}@${digest}: no IMAGE_SIGNING_PUBLIC_KEY (or IMAGE_SIGNING_KEY) to verify its signature with; a release tags only verified digests`);
  try {
    const v = await verifyImage(new RegistryClient(parseRepository(image), env), image, digest, verifier);
    return `verified ${image}@${digest}: ${v.signatures} signature${v.signatures === 1 ? '' : 's'} and ${v.predicateTypes.length} attestations by the signing key`;
  } catch (e) {
    if (e instanceof VerificationError) throw new Error(`refusing to release ${image}@${digest}: ${e.message}. Only digests main built and signed are released`);
    throw e;
  }
}

/** The digest a tag (or digest) names in the registry, read over its HTTP API; undefined when it does not exist. */
export async function digestOf(image: string, reference: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  return (await new RegistryClient(parseRepository(image), env).manifest(reference))?.digest;
}
