import { spawnSync } from 'node:child_process';

/**
 * Whether the Go toolchain answers. Like dockerAvailable: tests skip with the
 * reason locally, and fail under CI=true, where a missing toolchain is a broken machine.
 */
export function goAvailable(what = 'these tests'): boolean {
  const ok = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
  if (!ok) {
    const why = 'the Go toolchain (go) is not on PATH';
    if (process.env['CI'] === 'true') throw new Error(`${what} cannot run under CI=true: ${why}`);
    console.warn(`SKIPPING ${what}: ${why}`);
  }
  return ok;
}
