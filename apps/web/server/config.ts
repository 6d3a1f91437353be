import { isAbsolute, resolve } from 'node:path';

export interface ServerConfig {
  port: number;
  host: string;
  /** Absolute path of the built SPA (the Vite `dist/apps/web` output). */
  staticDir: string;
  /** Origin (plus optional path prefix) that `/api/*` is forwarded to; undefined disables the proxy. */
  apiUpstream: URL | undefined;
  /** How long an upstream socket may sit idle (connect, headers or body) before we give up. */
  upstreamTimeoutMs: number;
  /** How long a shutdown waits for in-flight requests before cutting connections. */
  shutdownTimeoutMs: number;
}

export type Env = Readonly<Record<string, string | undefined>>;

/** Every problem found in the environment, so one failed start shows them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_UPSTREAM_TIMEOUT_MS = 30_000;
// Docker stops with SIGKILL 10 s after SIGTERM; finishing well before that keeps exits clean.
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5_000;

/**
 * Reads the server's settings from `env`. An empty variable counts as unset, which is what
 * `docker run -e PORT=` and compose files with blank values produce.
 */
export function loadConfig(env: Env, defaults: { staticDir: string; cwd?: string }): ServerConfig {
  const problems: string[] = [];
  const read = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === '' ? undefined : value;
  };

  const port = parseInteger(read('PORT'), DEFAULT_PORT, 0, 65_535, 'PORT', problems);

  const host = read('HOST') ?? DEFAULT_HOST;
  if (/\s/.test(host)) problems.push(`HOST must be a host name or IP address; got "${host}"`);

  const rawStaticDir = read('STATIC_DIR');
  const staticDir =
    rawStaticDir === undefined
      ? defaults.staticDir
      : isAbsolute(rawStaticDir)
        ? rawStaticDir
        : resolve(defaults.cwd ?? process.cwd(), rawStaticDir);

  const apiUpstream = parseUpstream(read('API_UPSTREAM'), problems);
  const upstreamTimeoutMs = parseInteger(
    read('API_TIMEOUT_MS'),
    DEFAULT_UPSTREAM_TIMEOUT_MS,
    1,
    3_600_000,
    'API_TIMEOUT_MS',
    problems,
  );

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    staticDir,
    apiUpstream,
    upstreamTimeoutMs,
    shutdownTimeoutMs: DEFAULT_SHUTDOWN_TIMEOUT_MS,
  };
}

function parseInteger(
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
  name: string,
  problems: string[],
): number {
  if (value === undefined) return fallback;
  // Number('') and Number('0x50') would both slip through a plain Number() check.
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    problems.push(`${name} must be an integer from ${min} to ${max}; got "${value}"`);
    return fallback;
  }
  return n;
}

function parseUpstream(value: string | undefined, problems: string[]): URL | undefined {
  if (value === undefined) return undefined;
  const hint =
    'API_UPSTREAM must be an absolute http(s) URL such as http://api:8080 ' +
    `(no query, fragment or credentials); got "${value}"`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    problems.push(hint);
    return undefined;
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username !== '' ||
    url.password !== ''
  ) {
    problems.push(hint);
    return undefined;
  }
  // Request paths are appended to the prefix, so a trailing slash would double up.
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}
