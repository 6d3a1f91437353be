import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** A user name and secret for a registry, from Docker's client configuration. */
export interface Credentials {
  username: string;
  password: string;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string }>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

/** The Docker client configuration file: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env['DOCKER_CONFIG'] || join(homedir(), '.docker'), 'config.json');
}

/** The keys `docker login <host>` may have stored the login under. */
function keysFor(host: string): string[] {
  return [host, `https://${host}`, `http://${host}`, `https://${host}/v1/`, `https://${host}/v2/`];
}

function fromHelper(helper: string, host: string): Credentials | undefined {
  const r = spawnSync(`docker-credential-${helper}`, ['get'], { input: host, encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const out = JSON.parse(r.stdout) as { Username?: string; Secret?: string };
  return out.Username && out.Secret ? { username: out.Username, password: out.Secret } : undefined;
}

/**
 * The login `docker login <host>` stored, as the docker client finds it: a
 * credential helper for that host (credHelpers), the configured store
 * (credsStore), or a base64 `auth` entry in config.json. Undefined when there
 * is none: the registry is then asked anonymously.
 */
export function dockerCredentials(host: string, env: NodeJS.ProcessEnv = process.env): Credentials | undefined {
  const file = dockerConfigPath(env);
  if (!existsSync(file)) return undefined;
  let config: DockerConfig;
  try {
    config = JSON.parse(readFileSync(file, 'utf8')) as DockerConfig;
  } catch (e) {
    throw new Error(`${file} is not readable JSON: ${(e as Error).message}`);
  }
  const helper = config.credHelpers?.[host];
  if (helper) return fromHelper(helper, host);
  for (const key of keysFor(host)) {
    const entry = config.auths?.[key];
    if (!entry) continue;
    if (entry.auth) {
      const text = Buffer.from(entry.auth, 'base64').toString('utf8');
      const i = text.indexOf(':');
      if (i > 0) return { username: text.slice(0, i), password: text.slice(i + 1) };
    }
    if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  }
  return config.credsStore ? fromHelper(config.credsStore, host) : undefined;
}
