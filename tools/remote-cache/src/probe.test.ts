import { displayUrl, endpointUrl, probeHealth } from './probe';
import { closedPort, startHangingServer, startHttpServer, startStatusServer, type TestServer } from './testing/servers';

describe('endpointUrl', () => {
  it('puts /readyz and /healthz beside /v1, keeping a path prefix as Nx keeps it', () => {
    expect(endpointUrl('http://cache:8080', 'readyz').href).toBe('http://cache:8080/readyz');
    expect(endpointUrl('http://cache:8080/', 'healthz').href).toBe('http://cache:8080/healthz');
    expect(endpointUrl('https://ci.example/nx-cache/?x=1', 'readyz').href).toBe('https://ci.example/nx-cache/readyz');
  });

  it('refuses what is not an http(s) URL', () => {
    expect(() => endpointUrl('cache:8080', 'readyz')).toThrow();
    expect(() => endpointUrl('ftp://cache', 'readyz')).toThrow(/http/);
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

  it('a 200 on /readyz is healthy', async () => {
    const s = keep(await startStatusServer(200));
    const r = await probeHealth(`${s.url}/`, 2000);
    expect(r).toMatchObject({ healthy: true, status: 200, path: '/readyz' });
    expect(s.requests).toEqual(['GET /readyz']);
  });

  it('a 503 is unhealthy, with the status and the first line of the answer in the reason', async () => {
    const s = keep(
      await startHttpServer((_req, _body, res) => {
        res.writeHead(503, { 'Content-Type': 'text/plain' });
        res.end('not ready: cannot create a file in the cache directory (read-only file system)\nsecond line\n');
      }),
    );
    const r = await probeHealth(s.url, 2000);
    expect(r).toMatchObject({
      healthy: false,
      status: 503,
      reason: '/readyz answered 503 Service Unavailable: not ready: cannot create a file in the cache directory (read-only file system)',
    });
    expect(s.requests).toEqual(['GET /readyz']);
  });

  it('a long or binary answer is cut to its printable first 200 characters', async () => {
    const s = keep(
      await startHttpServer((_req, _body, res) => {
        res.writeHead(500);
        res.end(`\x1b[31m${'x'.repeat(1000)}`);
      }),
    );
    const r = await probeHealth(s.url, 2000);
    expect(r).toMatchObject({ healthy: false, status: 500, reason: `/readyz answered 500 Internal Server Error: [31m${'x'.repeat(196)}…` });
  });

  it('a server without /readyz (404) is asked /healthz, which says that it runs', async () => {
    const s = keep(
      await startHttpServer((req, _body, res) => {
        res.writeHead(req.url === '/healthz' ? 200 : 404).end();
      }),
    );
    expect(await probeHealth(s.url, 2000)).toMatchObject({ healthy: true, status: 200, path: '/healthz' });
    expect(s.requests).toEqual(['GET /readyz', 'GET /healthz']);
  });

  it('a 404 on both (not a cache server, or a wrong prefix) is unhealthy', async () => {
    const s = keep(await startStatusServer(404));
    expect(await probeHealth(`${s.url}/wrong-prefix`, 2000)).toMatchObject({
      healthy: false,
      status: 404,
      reason: '/healthz answered 404 Not Found: status 404',
    });
    expect(s.requests).toEqual(['GET /wrong-prefix/readyz', 'GET /wrong-prefix/healthz']);
  });

  it('a server that accepts and never answers is unhealthy after the timeout, not later', async () => {
    const s = keep(await startHangingServer());
    const started = Date.now();
    const r = await probeHealth(s.url, 300);
    const took = Date.now() - started;
    expect(r).toMatchObject({ healthy: false, reason: 'no answer from /readyz within 300 ms' });
    expect(r).not.toHaveProperty('status');
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(1500);
    expect(s.requests).toEqual(['GET /readyz']);
  });

  it('a server that sends headers only after the timeout is unhealthy', async () => {
    const s = keep(
      await startHttpServer((_req, _body, res) => {
        setTimeout(() => res.writeHead(200).end('ok'), 1000);
      }),
    );
    expect(await probeHealth(s.url, 200)).toMatchObject({ healthy: false, reason: 'no answer from /readyz within 200 ms' });
  });

  it('the timeout covers the fallback to /healthz too', async () => {
    const s = keep(
      await startHttpServer((req, _body, res) => {
        if (req.url === '/readyz') res.writeHead(404).end();
        else setTimeout(() => res.writeHead(200).end('ok'), 1000);
      }),
    );
    const started = Date.now();
    expect(await probeHealth(s.url, 300)).toMatchObject({ healthy: false, reason: 'no answer from /healthz within 300 ms' });
    expect(Date.now() - started).toBeLessThan(900);
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
