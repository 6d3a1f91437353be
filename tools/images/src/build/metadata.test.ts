import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { metadataPath, readMetadata, writeMetadata, type ImageMetadata } from './metadata';

const meta: ImageMetadata = {
  project: 'api',
  image: 'slipway-api',
  tags: ['1a2b3c4'],
  digest: `sha256:${'a'.repeat(64)}`,
  configDigest: `sha256:${'b'.repeat(64)}`,
  platform: 'linux/amd64',
  sizeBytes: 1,
  sizeKind: 'uncompressed',
  nxHash: '1',
  gitSha: '1a2b3c4',
  mode: 'local',
  dockerfile: 'go/Dockerfile.multi-stage',
  builtAt: '2026-01-01T00:00:00.000Z',
};

describe('metadata', () => {
  it('round-trips and leaves no temporary file behind', () => {
    const root = mkdtempSync(join(tmpdir(), 'meta-'));
    const file = metadataPath(root, 'api');
    writeMetadata(file, meta);
    expect(readMetadata(file)).toEqual(meta);
    expect(readdirSync(join(root, 'dist/images/api'))).toEqual(['metadata.json']);
  });

  it('says how to get metadata when there is none, and refuses one without a digest', () => {
    const root = mkdtempSync(join(tmpdir(), 'meta-'));
    expect(() => readMetadata(metadataPath(root, 'web'))).toThrow(/run docker-build/);
    const file = join(root, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...meta, digest: '' }));
    expect(() => readMetadata(file)).toThrow(/no image digest/);
  });
});
