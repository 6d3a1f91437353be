import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ImageMode } from './image-mode';

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

/** Writes JSON atomically: a crash leaves the old file or the new one, never half of one. */
export function writeJsonAtomic(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`);
  renameSync(tmp, file);
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
