import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { harnessState } from '@slipway/testing/src/buildkitd';

/** The harness's registry (tools/image-harness/up.sh): plain HTTP on loopback. */
export const HARNESS_REGISTRY = '127.0.0.1:5000';

/** What one namespace of a registry holds: its blobs (layers, configs, cache blobs) by digest with their sizes, and its manifests. */
export interface NamespaceUsage {
  blobs: Map<string, number>;
  manifests: Set<string>;
}

/** Where the harness's registry keeps its files (docker/distribution's filesystem driver). */
export function harnessRegistryStorage(env: NodeJS.ProcessEnv = process.env): string {
  return join(harnessState(env), 'registry', 'docker', 'registry', 'v2');
}

/**
 * The blobs and manifests linked into the repositories under `namespace` (e.g.
 * `slipway-bench-plain-x` of `127.0.0.1:5000/slipway-bench-plain-x/slipway-api`), read from
 * the registry's storage: `repositories/<ns>/<repo>/_layers/sha256/<hex>/link` names a blob
 * the repository holds (`blobs/sha256/<hh>/<hex>/data` has its bytes), `_manifests/revisions/…` a manifest.
 */
export function namespaceUsage(storage: string, namespace: string): NamespaceUsage {
  const usage: NamespaceUsage = { blobs: new Map(), manifests: new Set() };
  const root = join(storage, 'repositories', namespace);
  if (!existsSync(root)) return usage;
  const digests = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((d) => /^[0-9a-f]{64}$/.test(d)) : []);
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name === '_uploads') continue;
      const path = join(dir, e.name);
      if (e.name === '_layers') {
        for (const hex of digests(join(path, 'sha256'))) {
          const data = join(storage, 'blobs', 'sha256', hex.slice(0, 2), hex, 'data');
          usage.blobs.set(`sha256:${hex}`, existsSync(data) ? statSync(data).size : 0);
        }
      } else if (e.name === '_manifests') {
        for (const hex of digests(join(path, 'revisions', 'sha256'))) usage.manifests.add(`sha256:${hex}`);
      } else {
        walk(path);
      }
    }
  };
  walk(root);
  return usage;
}

/** What a run added to a namespace: blobs (count and bytes) and manifests that were not there before. */
export interface UsageDelta {
  newBlobs: number;
  newBlobBytes: number;
  newManifests: number;
}

/**
 * The difference of two readings. A blob counts once however many repositories got it, and
 * a blob already in the namespace before counts nothing (a push skips a blob the registry has).
 */
export function usageDelta(before: NamespaceUsage, after: NamespaceUsage): UsageDelta {
  let newBlobs = 0;
  let newBlobBytes = 0;
  for (const [digest, size] of after.blobs) {
    if (before.blobs.has(digest)) continue;
    newBlobs++;
    newBlobBytes += size;
  }
  const newManifests = [...after.manifests].filter((m) => !before.manifests.has(m)).length;
  return { newBlobs, newBlobBytes, newManifests };
}

/** The namespace path of `127.0.0.1:5000/<namespace>`. */
export function namespaceOf(registry: string): string {
  const i = registry.indexOf('/');
  if (i < 0) throw new Error(`${registry} names no namespace (host/namespace)`);
  return registry.slice(i + 1);
}
