import { DEFAULT_PROBE_TIMEOUT_MS, probeTimeoutMs, remoteCacheServer, withoutRemoteCache } from './env';

describe('remoteCacheServer', () => {
  it('is the server Nx would use, or undefined when unset or empty (Nx tests truthiness)', () => {
    expect(remoteCacheServer({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'http://cache:8080' })).toBe('http://cache:8080');
    expect(remoteCacheServer({ NX_SELF_HOSTED_REMOTE_CACHE_SERVER: '' })).toBeUndefined();
    expect(remoteCacheServer({})).toBeUndefined();
  });
});

describe('probeTimeoutMs', () => {
  it('defaults to 3 s', () => {
    expect(DEFAULT_PROBE_TIMEOUT_MS).toBe(3000);
    expect(probeTimeoutMs({})).toBe(3000);
    expect(probeTimeoutMs({ SLIPWAY_CACHE_PROBE_TIMEOUT_MS: ' ' })).toBe(3000);
  });

  it('reads SLIPWAY_CACHE_PROBE_TIMEOUT_MS', () => {
    expect(probeTimeoutMs({ SLIPWAY_CACHE_PROBE_TIMEOUT_MS: '500' })).toBe(500);
  });

  it.each(['0', '-1', '1.5', '3s', 'abc', '99999999999999999999'])('refuses %j', (v) => {
    expect(() => probeTimeoutMs({ SLIPWAY_CACHE_PROBE_TIMEOUT_MS: v })).toThrow(/SLIPWAY_CACHE_PROBE_TIMEOUT_MS must be a whole number/);
  });
});

describe('withoutRemoteCache', () => {
  it('drops the remote cache variables, sets NX_NO_CLOUD and keeps the rest', () => {
    const env = {
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'http://cache:8080',
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'secret',
      NX_NO_CLOUD: 'false',
      PATH: '/bin',
      CI: 'true',
    };
    expect(withoutRemoteCache(env)).toEqual({ NX_NO_CLOUD: 'true', PATH: '/bin', CI: 'true' });
    expect(env.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN).toBe('secret'); // the input is not modified
  });
});
