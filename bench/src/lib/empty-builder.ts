import { findHarnessBuildkit, startBuildkitd, type Buildkitd } from '@slipway/testing/src/buildkitd';
import { progress } from './run';

/**
 * Fails with the fix unless an empty builder can be started: a buildkitd of the harness's
 * BuildKit, run as root, with a state directory of its own (tools/testing/src/buildkitd.ts).
 */
export function requireEmptyBuilders(): string {
  const found = findHarnessBuildkit();
  if (typeof found === 'string') throw new Error(`this benchmark starts empty builders (fresh buildkitd states): ${found}`);
  return found.version;
}

/**
 * An empty builder: a new buildkitd with a fresh state directory (nothing cached, no base image,
 * no cache mount), registered as its own buildx builder and selected by name, never made current.
 * Its start and stop are not timed: a fresh runner starts with one.
 */
export async function emptyBuilder(name: string): Promise<Buildkitd> {
  const bk = await startBuildkitd({ name });
  const records = bk.cacheRecords().length;
  if (records > 0) {
    await bk.stop();
    throw new Error(`the new builder ${bk.builder} is not empty: ${records} cache records`);
  }
  progress(`empty builder ${bk.builder} (${bk.addr})`);
  return bk;
}

/** "docker-build: api built in 12.3 s: sha256:…" lines of an Nx run: project → seconds and digest. */
export function dockerBuildLines(output: string): Record<string, { seconds: number; digest: string }> {
  const out: Record<string, { seconds: number; digest: string }> = {};
  for (const m of output.matchAll(/docker-build: (\S+) built in ([\d.]+) s: (sha256:[0-9a-f]{64})/g)) {
    out[m[1] ?? ''] = { seconds: Number(m[2]), digest: m[3] ?? '' };
  }
  return out;
}
