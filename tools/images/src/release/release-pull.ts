import { existsSync, readFileSync } from 'node:fs';
import { capture } from '../lib/exec';
import { writeJsonAtomic } from '../lib/json-file';
import { nxLocalImageName, pulledReleasePath, releaseSource, type PulledRelease } from './source';
import { digestOf, verifyForRelease } from './verify';

const log = (msg: string) => console.log(`release-pull: ${msg}`);

/**
 * The Docker pre-version step of `nx release`: finds the digest main built
 * and verified (the release registry's `main` tag, read once, here), verifies
 * its signature, pulls it by digest and gives it the local name Nx's version
 * step tags from. A pull, never a build. Writes tmp/release/<project>.json,
 * which nx-release-publish tags from, so the digest cannot change between
 * the two steps even if `main` moves meanwhile.
 */
export async function pullForRelease(project: string, projectRoot: string, workspaceRoot: string, env: NodeJS.ProcessEnv): Promise<PulledRelease> {
  const src = releaseSource(project, env);
  const digest = await digestOf(src.image, src.from, env);
  if (!digest) throw new Error(`${src.image}:${src.from} does not exist: nothing of ${project} to release (main publishes it; SLIPWAY_RELEASE_FROM picks another tag)`);
  log(`${src.image}:${src.from} is ${digest}`);
  log(await verifyForRelease(src.image, digest, env));
  const localName = nxLocalImageName(projectRoot);
  const ref = `${src.image}@${digest}`;
  if (env['NX_DRY_RUN'] === 'true') {
    log(`dry run: would pull ${ref} and name it ${localName}`);
  } else {
    capture('docker', ['pull', '--quiet', ref]);
    capture('docker', ['tag', ref, localName]);
    log(`pulled ${ref} as ${localName}`);
  }
  const pulled: PulledRelease = { project, image: src.image, from: src.from, digest, localName, verified: true, pulledAt: new Date().toISOString() };
  writeJsonAtomic(pulledReleasePath(workspaceRoot, project), pulled);
  return pulled;
}

/** Reads what the pull step recorded for a project, or says to run it. */
export function readPulledRelease(workspaceRoot: string, project: string): PulledRelease {
  const file = pulledReleasePath(workspaceRoot, project);
  if (!existsSync(file)) throw new Error(`${file} is missing: run the release through \`nx release\` (its Docker pre-version command, release-pull, finds main's digest)`);
  const p = JSON.parse(readFileSync(file, 'utf8')) as PulledRelease;
  if (p.project !== project || !/^sha256:[0-9a-f]{64}$/.test(p.digest ?? '')) throw new Error(`${file} is not a release-pull record of ${project}`);
  return p;
}
