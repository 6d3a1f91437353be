import { existsSync, readFileSync } from 'node:fs';
import type { NewRelease } from '@slipway/api-contract';
import { writeJsonAtomic } from '../lib/json-file';
import { ciRunId } from '../publish/decide';
import { ledgerConfig, postRelease } from '../publish/ledger';
import { addTags } from '../publish/registry-ops';
import { readPulledRelease } from './release-pull';
import { nxDockerVersionPath, parseNxDockerVersion, releaseRecordPath, releaseSource } from './source';
import { digestOf, verifyForRelease } from './verify';

const log = (msg: string) => console.log(`nx-release-publish: ${msg}`);

/** What one release of one image did: dist/images/<project>/release.json. */
export interface ReleaseRecord {
  project: string;
  image: string;
  digest: string;
  version: string;
  /** The tags this release added (today: the version). */
  tags: string[];
  /** The registry tag the digest was taken from, and when. */
  from: string;
  gitSha: string;
  verified: true;
  releasedAt: string;
  /** The ledger's id of the release, when it was recorded there (LEDGER_URL). */
  ledgerId?: number;
}

/** The ledger's record of a release (the API contract's NewRelease). */
export function ledgerRelease(record: ReleaseRecord, runId: string | undefined): NewRelease {
  const { project, image, digest, version, tags, gitSha } = record;
  return { project, image, digest, version, tags, gitSha, ...(runId ? { ciRunId: runId } : {}) };
}

/**
 * The project's nx-release-publish: gives the digest release-pull found the
 * version Nx's version step chose, in the release registry, by digest
 * (as docker-publish tags: the manifest is copied as it is, no layer is
 * uploaded), then reads the tag back and requires main's
 * digest. The signature is verified again right before the tag. Records
 * the release in the ledger when LEDGER_URL is set (a repeat is the same
 * release, so a re-run is safe) and writes dist/images/<project>/release.json.
 */
export async function publishRelease(
  project: string,
  projectRoot: string,
  workspaceRoot: string,
  env: NodeJS.ProcessEnv,
  git: { sha: string },
): Promise<ReleaseRecord | undefined> {
  const src = releaseSource(project, env);
  const ledger = ledgerConfig(env);
  const pulled = readPulledRelease(workspaceRoot, project);
  if (pulled.image !== src.image) throw new Error(`release-pull took ${pulled.image}, but this release tags ${src.image}: run both with the same REGISTRY`);
  if (env['NX_DRY_RUN'] === 'true') {
    log(`dry run: would tag ${src.image}@${pulled.digest} with the version Nx chose`);
    return undefined;
  }
  const versionFile = nxDockerVersionPath(workspaceRoot, projectRoot);
  if (!existsSync(versionFile)) throw new Error(`${versionFile} is missing: Nx's version step writes it (run \`nx release\`, or \`nx release version\` first)`);
  const version = parseNxDockerVersion(readFileSync(versionFile, 'utf8'), src.image.split('/').at(-1) ?? '');
  const existing = await digestOf(src.image, version, env);
  if (existing && existing !== pulled.digest) throw new Error(`${src.image}:${version} already names ${existing}, not ${pulled.digest}: a release tag is never moved`);
  log(await verifyForRelease(src.image, pulled.digest, env));
  await addTags(src.image, pulled.digest, [version], env);
  const back = await digestOf(src.image, version, env);
  if (back !== pulled.digest) throw new Error(`${src.image}:${version} reads back as ${back ?? 'nothing'}, not ${pulled.digest}`);
  log(`${src.image}:${version} → ${pulled.digest} (read back)`);
  const record: ReleaseRecord = {
    project,
    image: src.image,
    digest: pulled.digest,
    version,
    tags: [version],
    from: pulled.from,
    gitSha: git.sha,
    verified: true,
    releasedAt: new Date().toISOString(),
  };
  if (ledger) {
    record.ledgerId = (await postRelease(ledger, ledgerRelease(record, ciRunId(env)))).id;
    log(`recorded in the ledger at ${ledger.url} as release ${record.ledgerId}`);
  } else {
    log('LEDGER_URL is not set: no ledger record');
  }
  writeJsonAtomic(releaseRecordPath(workspaceRoot, project), record);
  return record;
}
