import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { namespaceOf, namespaceUsage, usageDelta } from './registry-usage';

const hex = (c: string) => c.repeat(64);

/** A registry storage tree as docker/distribution's filesystem driver lays it out. */
function storage(): { root: string; blob: (c: string, bytes: number) => void; link: (repo: string, c: string) => void; manifest: (repo: string, c: string) => void } {
  const root = mkdtempSync(join(tmpdir(), 'bench-registry-'));
  return {
    root,
    blob: (c, bytes) => {
      const dir = join(root, 'blobs', 'sha256', hex(c).slice(0, 2), hex(c));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'data'), Buffer.alloc(bytes));
    },
    link: (repo, c) => {
      const dir = join(root, 'repositories', repo, '_layers', 'sha256', hex(c));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'link'), `sha256:${hex(c)}`);
    },
    manifest: (repo, c) => {
      const dir = join(root, 'repositories', repo, '_manifests', 'revisions', 'sha256', hex(c));
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'link'), `sha256:${hex(c)}`);
    },
  };
}

describe('namespaceUsage and usageDelta', () => {
  it('counts the blobs and manifests a namespace gained, once each, with their sizes', () => {
    const s = storage();
    try {
      s.blob('a', 100);
      s.blob('b', 2000);
      s.blob('c', 30);
      s.link('ns/slipway-api', 'a');
      s.link('other/slipway-api', 'b');
      s.manifest('ns/slipway-api', 'd');
      const before = namespaceUsage(s.root, 'ns');
      expect([...before.blobs]).toEqual([[`sha256:${hex('a')}`, 100]]);
      // b mounted from another namespace, c new in two repositories, a again: a push that skipped a.
      s.link('ns/slipway-web', 'b');
      s.link('ns/slipway-web', 'c');
      s.link('ns/slipway-api', 'c');
      s.link('ns/slipway-web', 'a');
      s.manifest('ns/slipway-web', 'e');
      const after = namespaceUsage(s.root, 'ns');
      expect(usageDelta(before, after)).toEqual({ newBlobs: 2, newBlobBytes: 2030, newManifests: 1 });
      expect(usageDelta(after, after)).toEqual({ newBlobs: 0, newBlobBytes: 0, newManifests: 0 });
    } finally {
      rmSync(s.root, { recursive: true, force: true });
    }
  });

  it('reads a namespace the registry does not have as empty', () => {
    const s = storage();
    try {
      const u = namespaceUsage(s.root, 'nothing-here');
      expect(u.blobs.size + u.manifests.size).toBe(0);
    } finally {
      rmSync(s.root, { recursive: true, force: true });
    }
  });
});

describe('namespaceOf', () => {
  it('is the path after the registry host', () => {
    expect(namespaceOf('127.0.0.1:5000/slipway-bench-plain-x')).toBe('slipway-bench-plain-x');
    expect(() => namespaceOf('127.0.0.1:5000')).toThrow(/names no namespace/);
  });
});
