import { dockerRegistryAvailable, startDockerRegistry, type LoopbackRegistry } from '@slipway/testing/src/docker-registry';
import { freePort } from '@slipway/testing/src/processes';
import { fetchManifest } from '@slipway/testing/src/registry';
import { RegistryClient } from '../supply-chain/registry-client';
import { parseRepository } from '../supply-chain/tag-scheme';
import { addTags, digestInRegistry } from './registry-ops';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

describe.skipIf(!dockerRegistryAvailable('the registry steps test'))('the registry steps of docker-publish, against a real registry', () => {
  let registry: LoopbackRegistry;
  let image: string;
  let digest: string;
  let bytes: Buffer;

  beforeAll(async () => {
    registry = await startDockerRegistry('slipway-registry-ops-');
    image = `${registry.host}/ns/slipway-api`;
    // A manifest as buildx pushes one: a config blob, by digest, its bytes exactly as written.
    const client = new RegistryClient(parseRepository(image), {});
    const config = await client.putBlob(Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'));
    bytes = Buffer.from(
      `{\n  "schemaVersion": 2,\n  "mediaType": "${OCI_MANIFEST}",\n  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "${config}", "size": 78},\n  "layers": []\n}`,
    );
    digest = await client.putManifest('built', OCI_MANIFEST, bytes);
  });
  afterAll(() => registry?.stop());

  it('tells a digest in the repository from one that is not, and from a repository that does not exist', async () => {
    expect(await digestInRegistry(image, digest, {})).toBe('present');
    expect(await digestInRegistry(image, `sha256:${'0'.repeat(64)}`, {})).toBe('missing');
    expect(await digestInRegistry(`${registry.host}/ns/nothing-here`, digest, {})).toBe('missing');
  });

  it('fails, with what to check, when the registry does not answer', async () => {
    // A free port: nothing listens there.
    await expect(digestInRegistry(`127.0.0.1:${await freePort()}/ns/slipway-api`, digest, {})).rejects.toThrow(
      /cannot tell whether the image is in the registry: .*ECONNREFUSED.*check the registry login and REGISTRY/,
    );
  });

  it('tags the digest with its manifest byte for byte (no new index, the digest unchanged)', async () => {
    await addTags(image, digest, ['abc1234', 'main'], {});
    for (const tag of ['abc1234', 'main']) {
      const m = await fetchManifest(image, tag);
      expect(m.status).toBe(200);
      expect(m.digest).toBe(digest);
      expect(m.bodyDigest).toBe(digest);
      expect(m.manifest.mediaType).toBe(OCI_MANIFEST);
    }
  });

  it('moves a branch tag to the new digest, and refuses a digest the repository lacks without tagging', async () => {
    const client = new RegistryClient(parseRepository(image), {});
    const other = await client.putManifest('other', OCI_MANIFEST, Buffer.from(bytes.toString('utf8').replace('"layers": []', '"layers": [], "annotations": {"n": "2"}')));
    await addTags(image, other, ['main'], {});
    expect((await fetchManifest(image, 'main')).digest).toBe(other);
    await expect(addTags(image, `sha256:${'1'.repeat(64)}`, ['ghost'], {})).rejects.toThrow(/is not in the registry: there is nothing to tag/);
    expect((await fetchManifest(image, 'ghost')).status).toBe(404);
  });
});
