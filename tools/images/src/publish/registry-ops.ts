import { RegistryClient } from '../supply-chain/registry-client';
import { parseRepository } from '../supply-chain/tag-scheme';

// The registry steps of docker-publish and of a release, over the registry's HTTP API
// (RegistryClient, logged in as `docker login` left it): no buildx process per step.

/** Whether a digest is in the image's repository: `present`, `missing`, or an error when the registry cannot say. */
export async function digestInRegistry(image: string, digest: string, env: NodeJS.ProcessEnv = process.env): Promise<'present' | 'missing'> {
  try {
    return (await new RegistryClient(parseRepository(image), env).manifest(digest)) ? 'present' : 'missing';
  } catch (e) {
    throw new Error(`cannot tell whether the image is in the registry: ${(e as Error).message} (check the registry login and REGISTRY)`);
  }
}

/**
 * Points new tags at an image already in the repository, by digest, and reads each back. The
 * manifest is copied as it is: no layer is uploaded and the digest stays (what
 * `docker buildx imagetools create --prefer-index=false` does, which by default would wrap a
 * single manifest in a new index).
 */
export async function addTags(image: string, digest: string, tags: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const client = new RegistryClient(parseRepository(image), env);
  const source = await client.manifest(digest);
  if (!source) throw new Error(`${image}@${digest} is not in the registry: there is nothing to tag`);
  const mediaType = source.mediaType || (JSON.parse(source.bytes.toString('utf8')) as { mediaType?: string }).mediaType || '';
  for (const tag of tags) await client.putManifest(tag, mediaType, source.bytes);
  const back = await Promise.all(tags.map((tag) => client.manifest(tag)));
  tags.forEach((tag, i) => {
    const got = back[i]?.digest;
    if (got !== digest) throw new Error(`${image}:${tag} points at ${got ?? 'nothing'} after tagging, not ${digest}`);
  });
}
