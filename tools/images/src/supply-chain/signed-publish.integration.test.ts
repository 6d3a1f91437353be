// docker-publish against a real registry (Debian's docker-registry on a loopback
// port of its own), with no image build: a tiny image is uploaded blob by blob,
// metadata.json and the build marker say docker-build made it. Shows a signed,
// attested image published and tagged, a reuse verified without re-signing, and
// a tampered digest under the same tag refused with nothing tagged.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dockerAvailable } from '@slipway/testing/src/docker-available';
import { dockerRegistryAvailable, startDockerRegistry, type LoopbackRegistry } from '@slipway/testing/src/docker-registry';
import { goAvailable } from '@slipway/testing/src/go-available';
import { writeBuildMarker } from '../build/build-marker';
import { metadataPath, writeMetadata, type ImageMetadata } from '../build/metadata';
import { publishImage } from '../publish/publish-image';
import { MEDIA } from './attach';
import { RegistryClient } from './registry-client';
import { generateSigningKeyPair } from './signing';
import { attachmentTag, parseRepository } from './tag-scheme';
import { pushTinyImage } from './tiny-image';

describe.skipIf(!dockerAvailable() || !dockerRegistryAvailable('the signed-publish test') || !goAvailable('the signed-publish test'))('docker-publish signs, attests and verifies', () => {
  let home = '';
  let registry: LoopbackRegistry | undefined;
  let host = '';
  let dir = '';
  let sha = '';
  const keys = generateSigningKeyPair('pw');
  const image = () => `${host}/ns/slipway-tiny`;
  const client = () => new RegistryClient(parseRepository(image()), {});
  const req = { project: 'tiny', dockerfile: 'go/Dockerfile.multi-stage', context: 'go', buildArgPairs: ['SERVICE=tiny'] };
  const baseEnv = () => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GITHUB_|SLIPWAY_|LEDGER_|IMAGE_SIGNING_|REGISTRY$)/.test(k)));
    return { ...clean, SLIPWAY_IMAGE_MODE: 'push', REGISTRY: `${host}/ns`, SLIPWAY_BRANCH_TAG: 'main', GITHUB_ACTIONS: 'true', GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '1' };
  };
  const mainEnv = () => ({ ...baseEnv(), IMAGE_SIGNING_KEY: keys.privateKey, IMAGE_SIGNING_PASSWORD: 'pw', IMAGE_SIGNING_PUBLIC_KEY: keys.publicKey });
  const meta = (digest: string): ImageMetadata => ({
    project: 'tiny',
    image: image(),
    tags: [sha.slice(0, 7)],
    digest,
    configDigest: `sha256:${'2'.repeat(64)}`,
    platform: 'linux/amd64',
    sizeBytes: 100,
    sizeKind: 'compressed',
    nxHash: '42',
    gitSha: sha,
    mode: 'push',
    dockerfile: 'go/Dockerfile.multi-stage',
    builtAt: new Date().toISOString(),
  });
  const tagDigest = async (tag: string) => (await client().manifest(tag))?.digest;

  beforeAll(async () => {
    registry = await startDockerRegistry('slipway-signed-publish-');
    home = registry.home;
    host = registry.host;
    dir = join(home, 'ws');
    mkdirSync(join(dir, 'go/apps/tiny'), { recursive: true });
    writeFileSync(join(dir, 'go/go.mod'), 'module tiny\n\ngo 1.25\n');
    writeFileSync(join(dir, 'go/apps/tiny/main.go'), 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("tiny") }\n');
    writeFileSync(join(dir, 'go/Dockerfile.multi-stage'), 'FROM scratch\n');
    const git = (...a: string[]) =>
      execFileSync('git', a, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid' } });
    git('init', '-q', '-b', 'main');
    git('add', '.');
    git('commit', '-q', '-m', 'tiny');
    sha = git('rev-parse', 'HEAD').trim();
  });
  afterAll(() => {
    registry?.stop();
  });

  let signed = '';

  it('a build of this job is published with SBOM, provenance and signature, verified, then tagged', async () => {
    signed = await pushTinyImage(image(), 'the real one');
    writeMetadata(metadataPath(dir, 'tiny'), meta(signed));
    writeBuildMarker(dir, { project: 'tiny', nxHash: '42', digest: signed, durationMs: 1000 });
    const record = await publishImage(req, dir, mainEnv());
    expect(record).toMatchObject({ outcome: 'built', digest: signed, signed: true, verified: true, sbomPackages: 1 });
    expect(await tagDigest('main')).toBe(signed);
    expect(await tagDigest(sha.slice(0, 7))).toBe(signed);
    for (const kind of ['sig', 'att', 'sbom'] as const) expect(await tagDigest(attachmentTag(signed, kind))).toMatch(/^sha256:/);
    const sbomManifest = JSON.parse((await client().manifest(attachmentTag(signed, 'sbom')))!.bytes.toString()) as { layers: { digest: string }[] };
    expect(sbomManifest.layers[0]?.digest).toBe(record.sbomDigest);
    const sbom = JSON.parse((await client().blob(record.sbomDigest!)).toString()) as { metadata: { component: { version: string } }; components: { name: string }[] };
    expect(sbom.metadata.component.version).toBe(signed);
    expect(sbom.components.map((c) => c.name)).toEqual(['tiny/apps/tiny']);
    const published = JSON.parse(readFileSync(join(dir, 'dist/images/tiny/publish.json'), 'utf8')) as { signed: boolean; verified: boolean };
    expect(published).toMatchObject({ signed: true, verified: true });
  });

  it('a reuse of that digest (public key only) verifies it and signs nothing again', async () => {
    const sigBefore = await tagDigest(attachmentTag(signed, 'sig'));
    const env = { ...baseEnv(), IMAGE_SIGNING_PUBLIC_KEY: keys.publicKey };
    const record = await publishImage(req, dir, env);
    expect(record).toMatchObject({ outcome: 'reused', digest: signed, signed: true, verified: true });
    expect(await tagDigest(attachmentTag(signed, 'sig'))).toBe(sigBefore);
  });

  it('another digest under the same tag, unsigned or with the signature of the real one copied beside it, is refused and tags nothing', async () => {
    const tampered = await pushTinyImage(image(), 'not what was built');
    writeMetadata(metadataPath(dir, 'tiny'), meta(tampered));
    const env = { ...baseEnv(), IMAGE_SIGNING_PUBLIC_KEY: keys.publicKey, SLIPWAY_BRANCH_TAG: 'main' };
    await expect(publishImage(req, dir, env)).rejects.toThrow(new RegExp(`refusing to tag ${image()}@${tampered}: .*has no signature`));
    expect(await tagDigest('main')).toBe(signed);

    const c = client();
    for (const kind of ['sig', 'att'] as const) {
      const m = (await c.manifest(attachmentTag(signed, kind)))!;
      await c.putManifest(attachmentTag(tampered, kind), m.mediaType || MEDIA.manifest, m.bytes);
    }
    await expect(publishImage(req, dir, env)).rejects.toThrow(new RegExp(`a valid signature is for ${signed}, not ${tampered}`));
    expect(await tagDigest('main')).toBe(signed);
  });

  it('in GitHub Actions, a release tag without a key to verify with is refused', async () => {
    writeMetadata(metadataPath(dir, 'tiny'), meta(signed));
    await expect(publishImage(req, dir, baseEnv())).rejects.toThrow(/refusing to tag .* in the release registry: no IMAGE_SIGNING_PUBLIC_KEY .*a release tags only verified digests/);
  });
});
