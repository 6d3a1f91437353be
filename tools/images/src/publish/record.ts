import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ImageMetadata } from '../build/metadata';
import { metadataPath } from '../build/metadata';
import { writeJsonAtomic } from '../lib/json-file';
import type { Outcome } from './decide';

/** What docker-publish leaves in dist/images/<project>/publish.json, for the run summary. */
export interface PublishRecord {
  project: string;
  image: string;
  digest: string;
  /** The image's tags from this job: those this publish added, and for a build also those docker-build pushed. */
  tags: string[];
  sizeBytes: number;
  sizeKind: ImageMetadata['sizeKind'];
  budgetBytes?: number;
  platform: string;
  /** The commit published. */
  gitSha: string;
  /** The commit the image was built from (differs from gitSha when reused). */
  builtFrom: string;
  nxHash: string;
  outcome: Outcome;
  reason: string;
  durationMs: number;
  /** Whether the cached image was missing from the registry and had to be rebuilt. */
  rebuilt: boolean;
  /** Digest of the image's SBOM document (at `<image>:sha256-<hex>.sbom`), and how many packages it lists. */
  sbomDigest?: string;
  sbomPackages?: number;
  /** Whether the digest has a signature, and whether this publish verified it against the public key. */
  signed?: boolean;
  verified?: boolean;
  /** Why the signature did not verify, when the check failed in a job that tags nothing in release. */
  verificationFailed?: string;
  /** The ledger's id of the record, when LEDGER_URL was set. */
  ledgerId?: number;
  publishedAt: string;
}

/** Where a project's publish record lives, beside its metadata.json. */
export function publishRecordPath(workspaceRoot: string, project: string): string {
  return join(dirname(metadataPath(workspaceRoot, project)), 'publish.json');
}

/** Writes a publish record atomically. */
export function writePublishRecord(file: string, record: PublishRecord): void {
  writeJsonAtomic(file, record);
}

/** Reads a publish record, saying which file is wrong when it is. */
export function readPublishRecord(file: string): PublishRecord {
  let record: PublishRecord;
  try {
    record = JSON.parse(readFileSync(file, 'utf8')) as PublishRecord;
  } catch (e) {
    throw new Error(`${file} is not a readable publish record: ${(e as Error).message}`);
  }
  if (!record.project || !record.image || !record.digest?.startsWith('sha256:') || !['built', 'reused'].includes(record.outcome)) {
    throw new Error(`${file} is not a publish record (needs project, image, digest and outcome built|reused)`);
  }
  return record;
}
