// @vitest-environment node
import http from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './security-headers';
import { startServer, type RunningServer } from './server';
import {
  freePort,
  json,
  makeStaticFixture,
  memoryLogger,
  readBody,
  request,
  startUpstream,
  testConfig,
  type StaticFixture,
  type Upstream,
} from './test-support';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

let fixture: StaticFixture;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  fixture = await makeStaticFixture();
});
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});
afterAll(async () => {
  await fixture?.cleanup();
});

async function startPair(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void | Promise<void>,
  options: { prefix?: string; upstreamTimeoutMs?: number } = {},
): Promise<{ server: RunningServer; upstream: Upstream; seen: Seen[]; log: ReturnType<typeof memoryLogger> }> {
  const seen: Seen[] = [];
  const upstream = await startUpstream(async (req, res) => {
    const record: Seen = { method: req.method, url: req.url, headers: req.headers, body: await readBody(req) };
    seen.push(record);
    await handler(req, res, record);
  });
  const log = memoryLogger();
  const server = await startServer(
    testConfig({
      staticDir: fixture.dir,
      apiUpstream: new URL(upstream.url + (options.prefix ?? '')),
      upstreamTimeoutMs: options.upstreamTimeoutMs ?? 5_000,
    }),
    { log },
  );
  cleanups.push(() => upstream.close(), () => server.shutdown());
  return { server, upstream, seen, log };
}

describe('/api proxy', () => {
  it('forwards method, path, query and headers, and returns status, headers and body', async () => {
    const { server, upstream, seen } = await startPair((_req, res) => {
      res.setHeader('X-Upstream', 'go');
      res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; Path=/']);
      res.setHeader('Content-Security-Policy', "default-src *");
      res.setHeader('Keep-Alive', 'timeout=5');
      res.setHeader('Content-Type', 'application/json');
      res.writeHead(201, 'Made It');
      res.end('{"created":true}');
    });
    const res = await request(server.url, '/api/v1/images?limit=2&q=a%20b&tag=x%2Fy', {
      headers: {
        'X-Request-Id': 'req-1',
        Authorization: 'Bearer t',
        Connection: 'keep-alive, X-Drop-Me',
        'X-Drop-Me': 'hop-by-hop',
        'X-Forwarded-For': '203.0.113.9',
        Host: 'ledger.example.com',
      },
    });

    expect(seen).toHaveLength(1);
    const [got] = seen;
    expect(got?.method).toBe('GET');
    expect(got?.url).toBe('/api/v1/images?limit=2&q=a%20b&tag=x%2Fy');
    expect(got?.headers).toMatchObject({
      'x-request-id': 'req-1',
      authorization: 'Bearer t',
      host: `127.0.0.1:${upstream.port}`,
      'x-forwarded-host': 'ledger.example.com',
      'x-forwarded-proto': 'http',
    });
    expect(got?.headers['x-forwarded-for']).toMatch(/^203\.0\.113\.9, (::ffff:)?127\.0\.0\.1$/);
    expect(got?.headers['x-drop-me']).toBeUndefined();

    expect(res.status).toBe(201);
    expect(json(res)).toEqual({ created: true });
    expect(res.headers['x-upstream']).toBe('go');
    expect(res.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(res.headers['content-type']).toBe('application/json');
    // The upstream's Keep-Alive describes its connection to us, not ours to the client.
    expect(res.headers['keep-alive']).not.toBe('timeout=5');
    // Our policy wins over the upstream's.
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('streams a %s body both ways', async (method) => {
    const { server, seen } = await startPair((req, res, record) => {
      res.setHeader('Content-Type', req.headers['content-type'] ?? 'application/octet-stream');
      res.end(Buffer.concat([Buffer.from(`${record.method}:`), record.body]));
    });
    // Big enough to take several chunks each way.
    const body = Buffer.from(JSON.stringify({ data: 'x'.repeat(1_000_000) }));
    const res = await request(server.url, '/api/v1/builds', {
      method,
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    expect(seen[0]?.method).toBe(method);
    expect(seen[0]?.body.equals(body)).toBe(true);
    expect(res.body.equals(Buffer.concat([Buffer.from(`${method}:`), body]))).toBe(true);
  });

  it.each(['POST', 'DELETE'])('streams a chunked %s body of unknown length, framed', async (method) => {
    const { server, seen } = await startPair((_req, res) => void res.end('ok'));
    const url = new URL(server.url);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = http.request({
        hostname: url.hostname,
        port: url.port,
        path: '/api/upload',
        method,
        headers: { 'Transfer-Encoding': 'chunked' },
        agent: false,
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.write('part one, ');
      setTimeout(() => req.end('part two'), 20);
    });
    expect(status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.method).toBe(method);
    expect(seen[0]?.body.toString()).toBe('part one, part two');
    expect(seen[0]?.headers['transfer-encoding']).toBe('chunked');
  });

  it('streams the response as it arrives', async () => {
    let finish: () => void = () => undefined;
    const { server } = await startPair((_req, res) => {
      res.write('first;');
      finish = () => res.end('second');
    });
    const url = new URL(server.url);
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ hostname: url.hostname, port: url.port, path: '/api/stream', agent: false }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            // The first part arrived while the upstream is still holding the rest.
            if (text === 'first;') finish();
          });
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(body).toBe('first;second');
  });

  it('passes upstream error statuses and bodies through unchanged', async () => {
    const { server } = await startPair((_req, res) => {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end('{"error":{"code":"not_found","message":"no such build"}}');
    });
    const res = await request(server.url, '/api/v1/builds/nope');
    expect(res.status).toBe(404);
    expect(json(res)).toEqual({ error: { code: 'not_found', message: 'no such build' } });
  });

  it('prefixes the path of API_UPSTREAM', async () => {
    const { server, seen } = await startPair((_req, res) => void res.end(), { prefix: '/ledger/' });
    await request(server.url, '/api/v1/images?x=1');
    expect(seen[0]?.url).toBe('/ledger/api/v1/images?x=1');
  });

  it('forwards HEAD without a body', async () => {
    const { server, seen } = await startPair((_req, res) => {
      res.setHeader('Content-Length', '5');
      res.end();
    });
    const res = await request(server.url, '/api/v1/images', { method: 'HEAD' });
    expect(seen[0]?.method).toBe('HEAD');
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('5');
    expect(res.body).toHaveLength(0);
  });

  it('answers 502 JSON when the upstream is down', async () => {
    const log = memoryLogger();
    const server = await startServer(
      testConfig({ staticDir: fixture.dir, apiUpstream: new URL(`http://127.0.0.1:${await freePort()}`) }),
      { log },
    );
    cleanups.push(() => server.shutdown());
    const res = await request(server.url, '/api/v1/images', { method: 'POST', body: '{"a":1}' });
    expect(res.status).toBe(502);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(json(res)).toEqual({ error: { code: 'upstream_unavailable', message: 'The API could not be reached.' } });
    expect(log.lines).toContainEqual(expect.objectContaining({ msg: 'upstream request failed', error: 'ECONNREFUSED' }));
    expect(log.lines).toContainEqual(expect.objectContaining({ msg: 'request', level: 'ERROR', status: 502 }));
  });

  it('answers 504 JSON when the upstream does not answer in time', async () => {
    const { server } = await startPair(() => undefined /* never responds */, { upstreamTimeoutMs: 150 });
    const started = Date.now();
    const res = await request(server.url, '/api/v1/slow');
    expect(res.status).toBe(504);
    expect(json(res)).toEqual({ error: { code: 'upstream_timeout', message: 'The API did not respond in time.' } });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('cuts the client connection when the upstream dies mid-body', async () => {
    const { server } = await startPair((_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('partial');
      setTimeout(() => res.destroy(), 20);
    });
    await expect(request(server.url, '/api/v1/broken')).rejects.toThrow();
  });

  it('abandons the upstream request when the client goes away', async () => {
    let upstreamClosed: () => void = () => undefined;
    const closed = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const { server } = await startPair((_req, res) => {
      res.on('close', upstreamClosed);
      res.write('started');
    });
    const url = new URL(server.url);
    await new Promise<void>((resolve) => {
      const req = http.get({ hostname: url.hostname, port: url.port, path: '/api/v1/long', agent: false }, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', () => undefined);
    });
    await closed;
  });

  it('does not proxy paths that merely start with /api', async () => {
    const { server, seen } = await startPair((_req, res) => void res.end());
    const res = await request(server.url, '/apiary');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(seen).toHaveLength(0);
  });
});
