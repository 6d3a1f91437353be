import { displayUrl, healthzUrl, probeHealth } from './probe';
import { closedPort, startHangingServer, startHttpServer, startStatusServer, type TestServer } from './testing/servers';

describe('healthzUrl', () => {
  it('puts /healthz beside /v1, keeping a path prefix as Nx keeps it', () => {
    expect(healthzUrl('http://cache:8080').href).toBe('http://cache:8080/healthz');
    expect(healthzUrl('http://cache:8080/').href).toBe('http://cache:8080/healthz');
    expect(healthzUrl('https://ci.example/nx-cache/').href).toBe('https://ci.example/nx-cache/healthz');
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => healthzUrl('cache:8080')).toThrow();
    expect(() => healthzUrl('ftp://cache')).toThrow(/http/);
  });
});

describe('displayUrl', () => {
  it('leaves credentials out of messages', () => {
    expect(displayUrl('https://user:pw@cache.example/x/?t=1')).toBe('https://cache.example/x');
  });
});

describe('probeHealth against real local servers', () => {
  const servers: TestServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  const keep = <T extends TestServer>(s: T): T => {
    servers.push(s);
    return s;
  };

  it('a 200 on /healthz is healthy', async () => {
    const s = keep(await startStatusServer(200));
    const r = await probeHealth(`${s.url}/`, 2000);
    expect(r).toMatchObject({ healthy: true, status: 200 });
    expect(s.requests).toEqual(['GET /healthz']);
  });

  it('a 503 is unhealthy, with the status in the reason', async () => {
    const s = keep(await startStatusServer(503));
    const r = await probeHealth(s.url, 2000);
    expect(r).toMatchObject({ healthy: false, reason: '/healthz answered 503 Service Unavailable' });
  });

  it('a 404 (not a cache server, or a wrong prefix) is unhealthy', async () => {
    const s = keep(await startStatusServer(404));
    expect(await probeHealth(`${s.url}/wrong-prefix`, 2000)).toMatchObject({ healthy: false, reason: '/healthz answered 404 Not Found' });
    expect(s.requests).toEqual(['GET /wrong-prefix/healthz']);
  });

  it('a server that accepts and never answers is unhealthy after the timeout, not later', async () => {
    const s = keep(await startHangingServer());
    const started = Date.now();
    const r = await probeHealth(s.url, 300);
    const took = Date.now() - started;
    expect(r).toMatchObject({ healthy: false, reason: 'no answer from /healthz within 300 ms' });
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1500);
    expect(s.requests).toEqual(['GET /healthz']);
  });

  it('a server that sends headers only after the timeout is unhealthy', async () => {
    const s = keep(
      await startHttpServer((_req, _body, res) => {
        setTimeout(() => res.writeHead(200).end('ok'), 1000);
      }),
    );
    expect(await probeHealth(s.url, 200)).toMatchObject({ healthy: false, reason: 'no answer from /healthz within 200 ms' });
  });

  it('a closed port is unhealthy at once', async () => {
    const port = await closedPort();
    const r = await probeHealth(`http://127.0.0.1:${port}`, 2000);
    expect(r).toMatchObject({ healthy: false, reason: 'connection refused (ECONNREFUSED)' });
    expect(r.ms).toBeLessThan(1000);
  });

  it('an unusable URL is unhealthy without a request', async () => {
    expect(await probeHealth('not a url', 2000)).toMatchObject({ healthy: false, reason: expect.stringMatching(/^invalid URL/) });
  });
});
