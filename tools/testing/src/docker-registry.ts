import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';

/**
 * Whether Debian's `docker-registry` is on PATH (the image harness installs it). Without it
 * the caller skips, with a message; under CI=true, where it is part of the machine, it fails.
 */
export function dockerRegistryAvailable(what: string): boolean {
  const ok = spawnSync('docker-registry', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!ok) {
    const why = "Debian's docker-registry is not on PATH (tools/image-harness/up.sh installs it)";
    if (process.env['CI'] === 'true') throw new Error(`${what} cannot run under CI=true: ${why}`);
    console.warn(`SKIPPING ${what}: ${why}`);
  }
  return ok;
}

/** A registry of a test's own on a loopback port, with its storage in a temporary directory. */
export interface LoopbackRegistry {
  /** `127.0.0.1:<port>`: plain HTTP, which clients accept for loopback. */
  host: string;
  /** Its temporary directory, which stop() removes. */
  home: string;
  stop: () => void;
}

/** Starts Debian's docker-registry on a free loopback port and waits until it answers /v2/. */
export async function startDockerRegistry(prefix: string): Promise<LoopbackRegistry> {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const host = `127.0.0.1:${await freePort()}`;
  const config = join(home, 'registry.yml');
  writeFileSync(
    config,
    ['version: 0.1', 'log:', '  level: warn', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${join(home, 'data')}`, 'http:', `  addr: ${host}`, ''].join('\n'),
  );
  const registry = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  const stop = () => {
    registry.kill('SIGTERM');
    rmSync(home, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  while (!(await fetch(`http://${host}/v2/`).then((r) => r.ok, () => false))) {
    if (Date.now() > deadline || registry.exitCode !== null) {
      stop();
      throw new Error(`docker-registry did not start on ${host} (config ${config})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host, home, stop };
}
