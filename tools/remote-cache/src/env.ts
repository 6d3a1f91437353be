/** Where Nx's self-hosted remote cache client finds its server. */
export const SERVER_VAR = 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER';
/** The bearer token Nx sends to it. */
export const TOKEN_VAR = 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN';
/** How long the health probe may take, in milliseconds. */
export const PROBE_TIMEOUT_VAR = 'SLIPWAY_CACHE_PROBE_TIMEOUT_MS';
export const DEFAULT_PROBE_TIMEOUT_MS = 3_000;

/** The variables that make Nx use a self-hosted remote cache. */
export const REMOTE_CACHE_VARS = [SERVER_VAR, TOKEN_VAR] as const;

/**
 * The remote cache server Nx would use, or undefined. Nx tests the variable
 * for truthiness (`if (process.env.NX_SELF_HOSTED_REMOTE_CACHE_SERVER)`), so
 * an empty value means no remote cache.
 */
export function remoteCacheServer(env: NodeJS.ProcessEnv): string | undefined {
  const server = env[SERVER_VAR];
  return server ? server : undefined;
}

/** SLIPWAY_CACHE_PROBE_TIMEOUT_MS, a whole number of milliseconds > 0; 3000 when unset or empty. */
export function probeTimeoutMs(env: NodeJS.ProcessEnv): number {
  const raw = (env[PROBE_TIMEOUT_VAR] ?? '').trim();
  if (raw === '') return DEFAULT_PROBE_TIMEOUT_MS;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
    throw new Error(`${PROBE_TIMEOUT_VAR} must be a whole number of milliseconds greater than 0, not "${raw}"`);
  }
  return Number(raw);
}

/**
 * A copy of env in which Nx uses no remote cache: the self-hosted cache
 * variables removed, and NX_NO_CLOUD=true so Nx does not turn to Nx Cloud
 * instead. The local cache is untouched.
 */
export function withoutRemoteCache(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy: NodeJS.ProcessEnv = { ...env };
  for (const name of REMOTE_CACHE_VARS) delete copy[name];
  copy['NX_NO_CLOUD'] = 'true';
  return copy;
}
