import { probeTimeoutMs, remoteCacheServer, withoutRemoteCache } from './env';
import { displayUrl, probeHealth, type ProbeResult } from './probe';

/** The environment to run a command in, and why it differs from the given one. */
export interface CacheDecision {
  env: NodeJS.ProcessEnv;
  /** Set when the remote cache was dropped. */
  warning?: string;
  /** The probe, when a remote cache was configured. */
  probe?: ProbeResult;
}

/**
 * Keeps the self-hosted remote cache when its server says in time that it
 * can store entries (/readyz, see probeHealth), and drops it otherwise: Nx
 * 23.2.1 fails the run when the server is down or answers 5xx (a failed
 * upload included), and waits without a timeout when it does not answer
 * (see README.md). Without NX_SELF_HOSTED_REMOTE_CACHE_SERVER, env is kept
 * as it is and nothing is probed. Throws only on an invalid probe timeout.
 */
export async function resilientEnv(
  env: NodeJS.ProcessEnv,
  probe: (server: string, timeoutMs: number) => Promise<ProbeResult> = probeHealth,
): Promise<CacheDecision> {
  const server = remoteCacheServer(env);
  if (!server) return { env };
  const result = await probe(server, probeTimeoutMs(env));
  if (result.healthy) return { env, probe: result };
  return {
    env: withoutRemoteCache(env),
    warning: `remote cache ${displayUrl(server)} is ${result.status === undefined ? 'unreachable' : 'not ready'} (${result.reason}); running without it`,
    probe: result,
  };
}
