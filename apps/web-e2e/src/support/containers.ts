import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether a Docker engine answers. The image tests skip with the reason locally and fail
 * under CI=true, where a missing engine is a broken machine (.ci/run provides one).
 */
export function dockerEngineAvailable(): boolean {
  if (spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0) return true;
  const why = 'no Docker engine answers: run `bash tools/image-harness/up.sh` first';
  if (process.env['CI'] === 'true') throw new Error(`image browser tests cannot run under CI=true: ${why}`);
  console.warn(`SKIPPING image browser tests: ${why}`);
  return false;
}

/**
 * Builds the images of `projects` through Nx (`docker-build`, local mode), as a developer
 * would; cache hits when nothing changed. The outer test task's NX_* variables stay out, so
 * the nested run is a run of its own.
 */
export function dockerBuild(workspaceRoot: string, projects: string[]): void {
  // Local mode is the default; a push-mode setting of the caller's shell must not leak in.
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('NX_') && key !== 'SLIPWAY_IMAGE_MODE'),
  );
  const result = spawnSync('npx', ['nx', 'run-many', '-t', 'docker-build', '-p', ...projects, '--outputStyle=stream'], {
    cwd: workspaceRoot,
    env: { ...env, NX_DAEMON: 'false', NX_TUI: 'false' },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`docker-build failed:\n${`${result.stdout}\n${result.stderr}`.slice(-8000)}`);
}

export const docker = (...args: string[]): string =>
  execFileSync('docker', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();

/** The local image that `docker-build` recorded for `project` (its ID, so no tag can point elsewhere). */
export function builtImage(workspaceRoot: string, project: string): string {
  const file = join(workspaceRoot, 'dist', 'images', project, 'metadata.json');
  const meta = JSON.parse(readFileSync(file, 'utf8')) as { configDigest?: string; mode?: string };
  if (meta.mode !== 'local' || !meta.configDigest) {
    throw new Error(`${file} is not a local build: run \`npx nx run ${project}:docker-build\` without SLIPWAY_IMAGE_MODE=push`);
  }
  if (spawnSync('docker', ['image', 'inspect', meta.configDigest], { stdio: 'ignore' }).status !== 0) {
    throw new Error(`${project}: image ${meta.configDigest} from ${file} is not in the local engine; rebuild with \`npx nx run ${project}:docker-build --skip-nx-cache\``);
  }
  return meta.configDigest;
}

/** Containers and networks started by a test, removed (volumes too) by cleanup(), whatever happened. */
export class DockerResources {
  private readonly containers: string[] = [];
  private readonly networks: string[] = [];

  network(name: string): string {
    docker('network', 'create', name);
    this.networks.push(name);
    return name;
  }

  /** `docker run -d --name <name> ...args`. */
  run(name: string, args: string[]): string {
    this.containers.push(name);
    docker('run', '-d', '--name', name, ...args);
    return name;
  }

  /** The loopback address Docker published container port 8080 on. */
  hostAddress(container: string): string {
    const line = docker('port', container, '8080/tcp').split('\n')[0] ?? '';
    return line.replace('0.0.0.0', '127.0.0.1');
  }

  logs(container: string): string {
    return spawnSync('docker', ['logs', '--tail', '50', container], { encoding: 'utf8' }).output.join('');
  }

  cleanup(): void {
    for (const c of this.containers.splice(0)) spawnSync('docker', ['rm', '-f', '-v', c], { stdio: 'ignore' });
    for (const n of this.networks.splice(0)) spawnSync('docker', ['network', 'rm', n], { stdio: 'ignore' });
  }
}
