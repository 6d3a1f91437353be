import { spawnSync } from 'node:child_process';
import { captureAsync, stream } from '../lib/exec';
import { inspectAnswer } from './decide';

/** Whether a digest is in the registry: `present`, `missing`, or an error when the registry cannot say. */
export function digestInRegistry(ref: string): 'present' | 'missing' {
  const r = spawnSync('docker', ['buildx', 'imagetools', 'inspect', '--raw', ref], { encoding: 'utf8' });
  if (r.error) throw new Error(`docker could not be started: ${r.error.message}`);
  return inspectAnswer(r.status, r.stderr);
}

/** The manifest digest a reference (tag or digest) resolves to in the registry. */
export async function registryDigest(ref: string): Promise<string> {
  const out = await captureAsync('docker', ['buildx', 'imagetools', 'inspect', '--format', '{{json .Manifest}}', ref]);
  return (JSON.parse(out) as { digest: string }).digest;
}

/**
 * Points new tags at an image already in the registry, by digest, without
 * rebuilding or uploading layers. `--prefer-index=false` makes buildx copy the
 * manifest as it is: by default it wraps a single manifest in a new index,
 * which would change the digest.
 */
export async function addTags(repository: string, digest: string, tags: string[]): Promise<void> {
  const args = ['buildx', 'imagetools', 'create', '--prefer-index=false', '--progress', 'plain'];
  for (const tag of tags) args.push('--tag', `${repository}:${tag}`);
  await stream('docker', [...args, `${repository}@${digest}`]);
}
