import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@slipway/testing/src/processes';
import { MANIFEST_TYPES } from '@slipway/testing/src/registry';
import type { Access, AuthProxyConfig, ProxyLogEntry } from './auth-proxy';

/** A registry of the rehearsal: Debian's registry on loopback behind the auth proxy. */
export interface RehearsalRegistry {
  name: string;
  /** host:port of the proxy: what the workflow's jobs log in to and push to. */
  host: string;
  /** host:port of the registry itself, which the test reads to see what the jobs did. */
  backend: string;
  /** Every request the proxy answered, in order. */
  requests: () => ProxyLogEntry[];
  stop: () => Promise<void>;
}

/** Whether Debian's registry (package docker-registry, which the image harness installs) is on PATH. */
export function registryBinaryAvailable(): boolean {
  return spawnSync('docker-registry', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function waitFor(what: string, check: () => Promise<boolean>, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not start:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function started(cmd: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): { child: ChildProcess; log: () => string; stop: () => Promise<void> } {
  const fd = openSync(logFile, 'w');
  const child = spawn(cmd, args, { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/**
 * Starts one registry of the rehearsal: docker-registry on a free loopback port
 * with its own storage, and in front of it the auth proxy with these users.
 */
export async function startRegistry(name: string, users: Record<string, { password: string; access: Access }>): Promise<RehearsalRegistry> {
  const home = mkdtempSync(join(tmpdir(), `slipway-rehearsal-registry-${name}-`));
  const backend = `127.0.0.1:${await freePort()}`;
  const config = join(home, 'registry.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: warn',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(home, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: ${backend}`,
      '',
    ].join('\n'),
  );
  const registry = started('docker-registry', ['serve', config], { PATH: process.env['PATH'] ?? '' }, join(home, 'registry.log'));
  await waitFor(`docker-registry (${name})`, async () => (await fetch(`http://${backend}/v2/`)).status === 200, registry.child, registry.log);

  const proxyLog = join(home, 'requests.jsonl');
  writeFileSync(proxyLog, '');
  const proxyConfig: AuthProxyConfig = { name, backend, users, log: proxyLog };
  const proxy = started(
    process.execPath,
    ['-r', require.resolve('@swc-node/register'), join(__dirname, 'auth-proxy.ts')],
    { PATH: process.env['PATH'] ?? '', AUTH_PROXY: JSON.stringify(proxyConfig) },
    join(home, 'proxy.log'),
  );
  let host = '';
  await waitFor(
    `the auth proxy of ${name}`,
    async () => {
      const line = proxy.log().split('\n').find((l) => l.includes('"listening"'));
      if (!line) return false;
      host = (JSON.parse(line) as { addr: string }).addr;
      return (await fetch(`http://${host}/v2/`)).status === 401;
    },
    proxy.child,
    proxy.log,
  );
  return {
    name,
    host,
    backend,
    requests: () =>
      readFileSync(proxyLog, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as ProxyLogEntry),
    stop: async () => {
      await proxy.stop();
      await registry.stop();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Every repository under a namespace of a registry, with each tag and the manifest digest it points at. */
export async function registryState(backend: string, namespace: string): Promise<Record<string, Record<string, string>>> {
  const catalog = (await (await fetch(`http://${backend}/v2/_catalog?n=1000`)).json()) as { repositories: string[] | null };
  const out: Record<string, Record<string, string>> = {};
  for (const repo of (catalog.repositories ?? []).filter((r) => r.startsWith(`${namespace}/`)).sort()) {
    const res = await fetch(`http://${backend}/v2/${repo}/tags/list`);
    const tags = res.ok ? (((await res.json()) as { tags?: string[] | null }).tags ?? []) : [];
    out[repo] = {};
    for (const tag of tags.sort()) out[repo][tag] = await manifestDigest(backend, repo, tag);
  }
  return out;
}

/** The manifest digest a tag or digest of a repository resolves to, straight from the registry's API. */
export async function manifestDigest(backend: string, repo: string, reference: string): Promise<string> {
  const res = await fetch(`http://${backend}/v2/${repo}/manifests/${reference}`, { method: 'HEAD', headers: { Accept: MANIFEST_TYPES } });
  return res.headers.get('docker-content-digest') ?? `missing (${res.status})`;
}
