import { resilientEnv } from './resilient-env';
import type { ProbeResult } from './probe';

const base = {
  NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'http://cache.internal:8080/',
  NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'secret',
  PATH: '/bin',
};

function fakeProbe(result: ProbeResult) {
  const calls: [string, number][] = [];
  const probe = async (server: string, timeoutMs: number) => {
    calls.push([server, timeoutMs]);
    return result;
  };
  return { probe, calls };
}

describe('resilientEnv', () => {
  it('does not probe when no remote cache is configured', async () => {
    const { probe, calls } = fakeProbe({ healthy: false, reason: 'x', ms: 0 });
    const env = { PATH: '/bin' };
    const d = await resilientEnv(env, probe);
    expect(d.env).toBe(env);
    expect(d.warning).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('keeps the environment unchanged when the server is healthy', async () => {
    const { probe, calls } = fakeProbe({ healthy: true, status: 200, path: '/readyz', ms: 3 });
    const d = await resilientEnv(base, probe);
    expect(d.env).toBe(base);
    expect(d.warning).toBeUndefined();
    expect(calls).toEqual([['http://cache.internal:8080/', 3000]]);
  });

  it('drops the remote cache with a warning when the server is not healthy', async () => {
    const { probe, calls } = fakeProbe({ healthy: false, reason: 'no answer from /readyz within 500 ms', ms: 500 });
    const d = await resilientEnv({ ...base, SLIPWAY_CACHE_PROBE_TIMEOUT_MS: '500' }, probe);
    expect(calls).toEqual([['http://cache.internal:8080/', 500]]);
    expect(d.warning).toBe('remote cache http://cache.internal:8080 is unreachable (no answer from /readyz within 500 ms); running without it');
    expect(d.env).toEqual({ PATH: '/bin', SLIPWAY_CACHE_PROBE_TIMEOUT_MS: '500', NX_NO_CLOUD: 'true' });
  });

  it('says "not ready" when the server answered but cannot store entries', async () => {
    const reason = '/readyz answered 503 Service Unavailable: not ready: the cache directory has 10.0 MiB free';
    const { probe } = fakeProbe({ healthy: false, reason, status: 503, ms: 4 });
    const d = await resilientEnv(base, probe);
    expect(d.warning).toBe(`remote cache http://cache.internal:8080 is not ready (${reason}); running without it`);
    expect(d.env).toEqual({ PATH: '/bin', NX_NO_CLOUD: 'true' });
  });

  it('throws on an invalid probe timeout rather than guessing', async () => {
    const { probe } = fakeProbe({ healthy: true, status: 200, path: '/readyz', ms: 1 });
    await expect(resilientEnv({ ...base, SLIPWAY_CACHE_PROBE_TIMEOUT_MS: 'soon' }, probe)).rejects.toThrow(/SLIPWAY_CACHE_PROBE_TIMEOUT_MS/);
  });
});
