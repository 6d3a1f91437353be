// @vitest-environment node
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Env } from './config';

const defaults = { staticDir: '/app/public', cwd: '/work' };

function problemsOf(env: Env): readonly string[] {
  try {
    loadConfig(env, defaults);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('defaults to 0.0.0.0:8080, public/ beside the bundle and no upstream', () => {
    expect(loadConfig({}, defaults)).toEqual({
      port: 8080,
      host: '0.0.0.0',
      staticDir: '/app/public',
      apiUpstream: undefined,
      upstreamTimeoutMs: 30_000,
      shutdownTimeoutMs: 5_000,
    });
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig({ PORT: '', HOST: ' ', API_UPSTREAM: '', STATIC_DIR: '' }, defaults)).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      staticDir: '/app/public',
      apiUpstream: undefined,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig(
      { PORT: '3000', HOST: '127.0.0.1', STATIC_DIR: '/srv/web', API_UPSTREAM: 'https://api.example.com:8443/', API_TIMEOUT_MS: '1500' },
      defaults,
    );
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', staticDir: '/srv/web', upstreamTimeoutMs: 1500 });
    expect(config.apiUpstream?.href).toBe('https://api.example.com:8443/');
  });

  it('resolves a relative STATIC_DIR against the working directory', () => {
    expect(loadConfig({ STATIC_DIR: 'dist/apps/web' }, defaults).staticDir).toBe('/work/dist/apps/web');
  });

  it('keeps a path prefix on API_UPSTREAM without its trailing slash', () => {
    expect(loadConfig({ API_UPSTREAM: 'http://api:8080/ledger/' }, defaults).apiUpstream?.pathname).toBe('/ledger');
  });

  it.each(['0', '65535'])('accepts PORT=%s', (port) => {
    expect(loadConfig({ PORT: port }, defaults).port).toBe(Number(port));
  });

  it.each(['abc', '80a', '-1', '65536', '8080.5', '0x50', '1e3'])('rejects PORT=%s', (port) => {
    expect(problemsOf({ PORT: port })).toEqual([`PORT must be an integer from 0 to 65535; got "${port}"`]);
  });

  it.each(['api:8080', 'ftp://api', '/api', 'not a url', 'http://api:8080?x=1', 'http://api#x', 'http://u:p@api'])(
    'rejects API_UPSTREAM=%s',
    (value) => {
      const problems = problemsOf({ API_UPSTREAM: value });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^API_UPSTREAM must be an absolute http\(s\) URL such as http:\/\/api:8080/);
    },
  );

  it('rejects a bad API_TIMEOUT_MS and a HOST with spaces', () => {
    expect(problemsOf({ API_TIMEOUT_MS: '0', HOST: 'local host' })).toEqual([
      'HOST must be a host name or IP address; got "local host"',
      'API_TIMEOUT_MS must be an integer from 1 to 3600000; got "0"',
    ]);
  });

  it('reports every problem at once, in a readable message', () => {
    try {
      loadConfig({ PORT: 'eighty', API_UPSTREAM: 'api' }, defaults);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toBe(
        'invalid configuration:\n' +
          '  - PORT must be an integer from 0 to 65535; got "eighty"\n' +
          '  - API_UPSTREAM must be an absolute http(s) URL such as http://api:8080 (no query, fragment or credentials); got "api"',
      );
    }
  });
});
