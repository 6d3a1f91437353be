import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../lib/json-file';
import type { ImageMode } from './mode';

/** What docker-build leaves in dist/images/<project>/metadata.json for the steps after it. */
export interface ImageMetadata {
  project: string;
  /** Repository without tag, e.g. `slipway-web` or `registry.example/ns/slipway-web`. */
  image: string;
  tags: string[];
  /** Manifest digest: what a registry serves and what `docker-publish` retags. */
  digest: string;
  /** Config digest: the image ID in the local engine. */
  configDigest: string;
  platform: string;
  /** Uncompressed size in the engine (local) or compressed size in the registry (push). */
  sizeBytes: number;
  sizeKind: 'uncompressed' | 'compressed';
  nxHash: string;
  gitSha: string;
  mode: ImageMode;
  dockerfile: string;
  builtAt: string;
}

/** Where a project's image metadata lives. */
export function metadataPath(workspaceRoot: string, project: string): string {
  return join(workspaceRoot, 'dist', 'images', project, 'metadata.json');
}

/** Writes a project's image metadata atomically. */
export function writeMetadata(file: string, meta: ImageMetadata): void {
  writeJsonAtomic(file, meta);
}

/** Reads a project's metadata, with the fix in the error when there is none. */
export function readMetadata(file: string): ImageMetadata {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} does not exist: run docker-build for this project first (npx nx run <project>:docker-build)`);
  }
  const meta = JSON.parse(text) as ImageMetadata;
  if (!meta.digest?.startsWith('sha256:') || !meta.image) throw new Error(`${file} has no image digest: rebuild it`);
  return meta;
}
