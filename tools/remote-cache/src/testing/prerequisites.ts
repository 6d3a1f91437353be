import { spawnSync } from 'node:child_process';

/**
 * Whether the Go toolchain answers (the cache server is built from go/). Like
 * images-tool's dockerAvailable: skips with the reason locally, and fails
 * under CI=true, where a missing toolchain is a broken machine.
 */
export function goAvailable(): boolean {
  const ok = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
  if (!ok) {
    const why = 'the Go toolchain (go) is not on PATH';
    if (process.env['CI'] === 'true') throw new Error(`remote cache tests cannot run under CI=true: ${why}`);
    console.warn(`SKIPPING remote cache tests: ${why}`);
  }
  return ok;
}
