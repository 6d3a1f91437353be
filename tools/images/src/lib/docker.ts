import { spawnSync } from 'node:child_process';

/** Fails early, with the fix, when Docker or buildx is not usable. */
export function requireBuildx(): void {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.error || info.status !== 0) {
    throw new Error(
      'no Docker engine answers. Start Docker, or on a machine without one run `bash tools/image-harness/up.sh` (installs and starts Docker, BuildKit and a local registry mirror).',
    );
  }
  const bx = spawnSync('docker', ['buildx', 'version'], { encoding: 'utf8' });
  if (bx.error || bx.status !== 0) {
    throw new Error('docker buildx is not installed: install the buildx plugin (Docker Desktop has it; on Debian see tools/image-harness/README.md).');
  }
}
