import { spawnSync } from 'node:child_process';

/**
 * Whether a Docker engine with buildx answers. Tests that need one skip with
 * the reason locally, and fail under CI=true, where a missing engine is a broken
 * machine rather than a developer without Docker.
 */
export function dockerAvailable(): boolean {
  const ok =
    spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0 &&
    spawnSync('docker', ['buildx', 'version'], { stdio: 'ignore' }).status === 0;
  if (!ok) {
    const why = 'no Docker engine with buildx answers: run `bash tools/image-harness/up.sh` first';
    if (process.env['CI'] === 'true') throw new Error(`image tests cannot run under CI=true: ${why}`);
    console.warn(`SKIPPING image tests: ${why}`);
  }
  return ok;
}
