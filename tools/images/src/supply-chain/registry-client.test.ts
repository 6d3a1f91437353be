import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerCredentials } from './docker-auth';
import { parseChallenge, registryBaseUrl } from './registry-client';

describe('registry client', () => {
  it.each([
    ['127.0.0.1:5000', 'http://127.0.0.1:5000'],
    ['localhost:5000', 'http://localhost:5000'],
    ['rg.fr-par.scw.cloud', 'https://rg.fr-par.scw.cloud'],
    ['10.0.0.1:5000', 'https://10.0.0.1:5000'],
  ])('%s is spoken to at %s', (host, url) => expect(registryBaseUrl(host)).toBe(url));

  it('reads Bearer and Basic challenges', () => {
    expect(parseChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:ns/x:pull"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:ns/x:pull' },
    });
    expect(parseChallenge('Basic realm="release"')).toEqual({ scheme: 'basic', params: { realm: 'release' } });
  });
});

describe('dockerCredentials', () => {
  let dir = '';
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'slipway-docker-config-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (config: object) => writeFileSync(join(dir, 'config.json'), JSON.stringify(config));

  it('reads the login docker login stored, under the host or its URL forms', () => {
    write({ auths: { '127.0.0.1:5001': { auth: Buffer.from('main:pa:ss').toString('base64') }, 'https://rg.fr-par.scw.cloud': { auth: Buffer.from('nologin:key').toString('base64') } } });
    expect(dockerCredentials('127.0.0.1:5001', { DOCKER_CONFIG: dir })).toEqual({ username: 'main', password: 'pa:ss' });
    expect(dockerCredentials('rg.fr-par.scw.cloud', { DOCKER_CONFIG: dir })).toEqual({ username: 'nologin', password: 'key' });
    expect(dockerCredentials('127.0.0.1:5002', { DOCKER_CONFIG: dir })).toBeUndefined();
  });

  it('no config: anonymous; a broken one: an error naming the file', () => {
    expect(dockerCredentials('127.0.0.1:5001', { DOCKER_CONFIG: dir })).toBeUndefined();
    writeFileSync(join(dir, 'config.json'), '{');
    expect(() => dockerCredentials('127.0.0.1:5001', { DOCKER_CONFIG: dir })).toThrow(/config\.json is not readable JSON/);
  });

  it('a credential helper that is not installed gives no login (the registry then answers 401 with its own message)', () => {
    write({ credsStore: 'slipway-missing-helper' });
    expect(dockerCredentials('127.0.0.1:5001', { DOCKER_CONFIG: dir })).toBeUndefined();
  });
});
