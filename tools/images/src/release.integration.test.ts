// nx release of the image projects, rehearsed in a copy of the workspace
// against Debian's docker-registry on a loopback port: main's images are tiny
// uploaded images (no build), signed and tagged `main` as images-main leaves
// them. `nx release` pulls them by digest, writes the changelogs and the git
// tags, and tags every digest with its version in the registry; each release
// tag reads back to main's digest. An unsigned digest under `main`, or one
// with another digest's signature copied beside it, stops the release before
// any git tag or registry tag.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerAvailable } from '@slipway/testing/src/docker-available';
import { dockerRegistryAvailable, startDockerRegistry, type LoopbackRegistry } from '@slipway/testing/src/docker-registry';
import { runNx } from '@slipway/testing/src/nx-runner';
import { copyWorkspace, type WorkspaceCopy } from '@slipway/testing/src/workspace-copy';
import { attachEvidence, MEDIA } from './supply-chain/attach';
import { RegistryClient } from './supply-chain/registry-client';
import { generateSigningKeyPair, loadPrivateKey } from './supply-chain/signing';
import { attachmentTag, parseRepository } from './supply-chain/tag-scheme';
import { pushTinyImage } from './supply-chain/tiny-image';

const PROJECTS = ['api', 'cache', 'web'] as const;

describe.skipIf(!dockerAvailable() || !dockerRegistryAvailable('the release test'))('nx release tags the digests main built and verified', () => {
  let home = '';
  let registry: LoopbackRegistry | undefined;
  let host = '';
  let ws: WorkspaceCopy | undefined;
  const keys = generateSigningKeyPair('pw');
  const signer = loadPrivateKey(keys.privateKey, 'pw');
  const image = (p: string) => `${host}/ns/slipway-${p}`;
  const client = (p: string) => new RegistryClient(parseRepository(image(p)), {});
  const tagDigest = async (p: string, tag: string) => (await client(p).manifest(tag))?.digest;
  const env = () => ({ REGISTRY: `${host}/ns`, IMAGE_SIGNING_PUBLIC_KEY: keys.publicKey, NX_CACHE_DIRECTORY: join(home, 'nx-cache') });
  const sbom = JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, components: [] });
  const signed: Record<string, string> = {};

  /** A tiny image of `p` as images-main leaves one: signed, attested, tagged `main`. */
  async function mainImage(p: string, content: string, sign = true): Promise<string> {
    const digest = await pushTinyImage(image(p), content);
    await attachEvidence(client(p), image(p), digest, { sbomJson: sbom, provenance: { buildDefinition: {}, runDetails: {} } }, sign ? signer : undefined);
    const m = (await client(p).manifest(digest))!;
    await client(p).putManifest('main', MEDIA.manifest, m.bytes);
    return digest;
  }

  beforeAll(async () => {
    registry = await startDockerRegistry('slipway-release-');
    home = registry.home;
    host = registry.host;
    for (const p of PROJECTS) signed[p] = await mainImage(p, `main's ${p}`);
    ws = copyWorkspace('slipway-release-ws-');
  }, 120_000);
  afterAll(() => {
    ws?.remove();
    registry?.stop();
    // By image ID: that removes the local names Nx and release-pull gave it too.
    for (const p of PROJECTS) {
      const id = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', `${image(p)}@${signed[p]}`], { encoding: 'utf8' }).stdout.trim();
      if (id) spawnSync('docker', ['image', 'rm', '-f', id], { stdio: 'ignore' });
    }
  });

  it('versions every image, writes the changelogs and git tags, and tags main\'s digests in the registry', async () => {
    const w = ws!;
    const head = w.git('rev-parse', 'HEAD');
    const r = runNx(w.root, ['release', '--yes', '--first-release', '--verbose'], env());
    expect(r.status, r.output).toBe(0);
    const tags = w.git('tag', '--list').split('\n').filter(Boolean).sort();
    expect(tags).toHaveLength(3);
    const versions: Record<string, string> = {};
    for (const tag of tags) {
      const m = /^(api|cache|web)@(\d{4}\.\d{2}\.([0-9a-f]{7}))$/.exec(tag);
      expect(m, tag).not.toBeNull();
      expect(m![3]).toBe(head.slice(0, 7));
      versions[m![1]!] = m![2]!;
      // The tag names the commit main built: the changelog is not committed over it.
      expect(w.git('rev-list', '-n', '1', tag)).toBe(head);
    }
    expect(Object.keys(versions).sort()).toEqual([...PROJECTS]);
    for (const [p, root] of [['api', 'go/apps/api'], ['cache', 'go/apps/cache'], ['web', 'apps/web']] as const) {
      expect(await tagDigest(p, versions[p]!)).toBe(signed[p]);
      const changelog = readFileSync(join(w.root, root, 'CHANGELOG.md'), 'utf8');
      expect(changelog).toContain(versions[p]);
      const record = JSON.parse(readFileSync(join(w.root, 'dist/images', p, 'release.json'), 'utf8')) as { digest: string; version: string; gitSha: string };
      expect(record).toMatchObject({ digest: signed[p], version: versions[p], gitSha: head });
    }
    // No build ran, and Nx's local tag is only in the engine, never pushed.
    expect(r.output).not.toMatch(/docker-build|buildx build/);
    expect(r.output).toMatch(/pulled .*slipway-api@sha256/);
  }, 600_000);

  it.each([
    ['unsigned', false],
    ['carrying the signature of another digest', true],
  ])('a digest under main %s is refused: no git tag, no registry tag', async (_, copySignature) => {
    const w = ws!;
    w.commit(`next ${String(copySignature)}`);
    const tampered = await mainImage('cache', `not what main built ${String(copySignature)}`, false);
    if (copySignature) {
      for (const kind of ['sig', 'att'] as const) {
        const m = (await client('cache').manifest(attachmentTag(signed['cache']!, kind)))!;
        await client('cache').putManifest(attachmentTag(tampered, kind), m.mediaType || MEDIA.manifest, m.bytes);
      }
    }
    const tagsBefore = w.git('tag', '--list');
    const r = runNx(w.root, ['release', '--yes', '--verbose'], env());
    expect(r.status).not.toBe(0);
    expect(r.output).toMatch(new RegExp(`refusing to release ${image('cache')}@${tampered}: .*(has no signature|a valid signature is for ${signed['cache']})`));
    expect(w.git('tag', '--list')).toBe(tagsBefore);
    const short = w.git('rev-parse', '--short=7', 'HEAD');
    for (const p of PROJECTS) {
      const listed = (await (await fetch(`http://${host}/v2/ns/slipway-${p}/tags/list`)).json()) as { tags: string[] };
      expect(listed.tags.filter((t) => t.endsWith(short))).toEqual([]);
    }
    await client('cache').putManifest('main', MEDIA.manifest, (await client('cache').manifest(signed['cache']!))!.bytes);
  }, 600_000);
});
