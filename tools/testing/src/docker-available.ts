import { spawnSync } from 'node:child_process';

/** The buildx builder that tools/image-harness/up.sh registers. */
export const HARNESS_BUILDER = 'slipway';

/**
 * Whether a Docker engine with buildx answers. Tests that need one skip with
 * the reason locally, and fail under CI=true, where a missing engine is a broken
 * machine rather than a developer without Docker. When BUILDX_BUILDER is unset
 * and the harness builder exists, it is selected for this process and the
 * commands it starts, so the tests never depend on (or change) the machine's
 * current builder.
 */
export function dockerAvailable(): boolean {
  const ok =
    spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0 &&
    spawnSync('docker', ['buildx', 'version'], { stdio: 'ignore' }).status === 0;
  if (ok && !process.env['BUILDX_BUILDER'] && spawnSync('docker', ['buildx', 'inspect', HARNESS_BUILDER], { stdio: 'ignore' }).status === 0) {
    process.env['BUILDX_BUILDER'] = HARNESS_BUILDER;
  }
  if (!ok) {
    const why = 'no Docker engine with buildx answers: run `bash tools/image-harness/up.sh` first';
    if (process.env['CI'] === 'true') throw new Error(`image tests cannot run under CI=true: ${why}`);
    console.warn(`SKIPPING image tests: ${why}`);
  }
  return ok;
}
