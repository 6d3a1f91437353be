// @vitest-environment node
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from './security-headers';
import { startServer, type RunningServer } from './server';
import { defaultCompressor, type Compressor } from './static-files';
import {
  ASSET_JS,
  INDEX_HTML,
  SECRET,
  json,
  makeStaticFixture,
  memoryLogger,
  request,
  testConfig,
  type StaticFixture,
  type TestResponse,
} from './test-support';

let fixture: StaticFixture;
let server: RunningServer;
let log: ReturnType<typeof memoryLogger>;
const compressions: string[] = [];

beforeAll(async () => {
  fixture = await makeStaticFixture();
  log = memoryLogger();
  const countingCompressor: Compressor = (body, encoding) => {
    compressions.push(`${encoding}:${body.length}`);
    return defaultCompressor(body, encoding);
  };
  server = await startServer(testConfig({ staticDir: fixture.dir }), { log, compress: countingCompressor });
});

afterAll(async () => {
  await server?.shutdown();
  await fixture?.cleanup();
});

const get = (path: string, headers: Record<string, string> = {}) => request(server.url, path, { headers });

function expectIndex(res: TestResponse): void {
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-cache');
  expect(res.text).toBe(INDEX_HTML);
}

describe('static files', () => {
  it('serves index.html at / and /index.html, to be revalidated on every load', async () => {
    expectIndex(await get('/'));
    expectIndex(await get('/index.html'));
  });

  it('serves hashed assets as immutable for a year', async () => {
    const res = await get('/assets/index-AbC123.js');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(ASSET_JS)));
    expect(res.text).toBe(ASSET_JS);
  });

  it('revalidates unhashed files from public/', async () => {
    const res = await get('/robots.txt');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.text).toBe('User-agent: *\nAllow: /\n');
  });

  it.each([
    ['/index.html', 'text/html; charset=utf-8'],
    ['/assets/index-AbC123.js', 'text/javascript; charset=utf-8'],
    ['/assets/index-DeF456.css', 'text/css; charset=utf-8'],
    ['/favicon.svg', 'image/svg+xml'],
    ['/assets/logo-GhI789.png', 'image/png'],
    ['/favicon.ico', 'image/x-icon'],
    ['/data.json', 'application/json'],
    ['/assets/inter-JkL012.woff2', 'font/woff2'],
    ['/robots.txt', 'text/plain; charset=utf-8'],
    ['/assets/index-AbC123.js.map', 'application/json'],
  ])('serves %s as %s', async (path, type) => {
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(type);
  });

  it.each(['/images', '/images/', '/images/foo%2Fbar', '/images/ghcr.io%2Fslipway%2Fweb', '/builds/42?tab=logs', '/images/nginx:1.27'])(
    'falls back to index.html for the SPA route %s',
    async (path) => {
      expectIndex(await get(path));
    },
  );

  it.each(['/assets/index-Gone99.js', '/missing.css', '/assets/nothing', '/assets/', '/.vite/manifest.json', '/deep/path/app.js'])(
    'answers 404 for the missing file %s instead of index.html',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(404);
      expect(res.text).not.toContain('<html');
      expect(res.text).not.toContain('build metadata');
    },
  );

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/%2e%2e/secret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/assets/..%5c..%5csecret.txt',
    '/..%2fsecret.txt',
  ])('refuses the traversal %s', async (path) => {
    const res = await get(path);
    expect(res.status).toBe(400);
    expect(res.text).not.toContain(SECRET);
    expect(json(res)).toEqual({ error: { code: 'bad_request', message: 'Bad request path: dot segment in path.' } });
  });

  it('does not follow symlinks out of STATIC_DIR', async () => {
    const res = await get('/linked-secret.txt');
    expect(res.status).toBe(404);
    expect(res.text).not.toContain(SECRET);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await request(server.url, '/assets/index-AbC123.js', { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(ASSET_JS)));
    expect(res.body).toHaveLength(0);
  });

  it('refuses other methods', async () => {
    const res = await request(server.url, '/', { method: 'POST', body: 'x' });
    expect(res.status).toBe(405);
    expect(res.headers['allow']).toBe('GET, HEAD');
  });

  it('answers a matching If-None-Match with 304 and no body', async () => {
    const first = await get('/assets/index-AbC123.js');
    const etag = first.headers['etag'];
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await get('/assets/index-AbC123.js', { 'if-none-match': `"other", ${etag ?? ''}` });
    expect(again.status).toBe(304);
    expect(again.body).toHaveLength(0);
    expect(again.headers['etag']).toBe(etag);
    expect(again.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await get('/assets/index-AbC123.js', { 'if-none-match': '"stale"' })).status).toBe(200);
  });

  it('matches an ETag of another encoding of the same file', async () => {
    const br = await get('/', { 'accept-encoding': 'br' });
    const res = await get('/', { 'accept-encoding': 'gzip', 'if-none-match': `W/${br.headers['etag'] ?? ''}` });
    expect(res.status).toBe(304);
  });
});

describe('compression', () => {
  it('sends brotli when accepted, with Vary and a body that decodes to the file', async () => {
    const res = await get('/assets/index-AbC123.js', { 'accept-encoding': 'gzip, deflate, br' });
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['vary']).toBe('Accept-Encoding');
    expect(Number(res.headers['content-length'])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(Buffer.byteLength(ASSET_JS));
    expect(brotliDecompressSync(res.body).toString()).toBe(ASSET_JS);
  });

  it('sends gzip when brotli is not accepted', async () => {
    const res = await get('/', { 'accept-encoding': 'gzip' });
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['vary']).toBe('Accept-Encoding');
    expect(gunzipSync(res.body).toString()).toBe(INDEX_HTML);
  });

  it('gives each encoding its own ETag', async () => {
    const tags = new Set<string | undefined>();
    for (const encoding of ['br', 'gzip', 'identity']) {
      tags.add((await get('/', { 'accept-encoding': encoding })).headers['etag']);
    }
    expect(tags.size).toBe(3);
  });

  it('sends identity (still with Vary) without Accept-Encoding', async () => {
    const res = await get('/assets/index-DeF456.css');
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.headers['vary']).toBe('Accept-Encoding');
  });

  it('leaves already-compressed and tiny files alone', async () => {
    for (const path of ['/assets/logo-GhI789.png', '/assets/inter-JkL012.woff2', '/robots.txt']) {
      const res = await get(path, { 'accept-encoding': 'br, gzip' });
      expect(res.headers['content-encoding'], path).toBeUndefined();
      expect(res.headers['vary'], path).toBeUndefined();
    }
  });

  it('compresses each file once per encoding, however often it is requested', async () => {
    for (let i = 0; i < 3; i++) {
      await Promise.all([
        get('/assets/index-AbC123.js', { 'accept-encoding': 'br' }),
        get('/assets/index-AbC123.js', { 'accept-encoding': 'gzip' }),
        get('/images/x', { 'accept-encoding': 'br' }),
      ]);
    }
    expect(compressions).toHaveLength(new Set(compressions).size);
    const jsLength = Buffer.byteLength(ASSET_JS);
    expect(compressions).toEqual(expect.arrayContaining([`br:${jsLength}`, `gzip:${jsLength}`]));
  });
});

describe('other routes', () => {
  it('answers /healthz with 200 {"status":"ok"}', async () => {
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(json(res)).toEqual({ status: 'ok' });
  });

  it('answers /api/* with 503 JSON when API_UPSTREAM is not set', async () => {
    for (const [method, path] of [['GET', '/api/v1/images'], ['POST', '/api/v1/builds'], ['GET', '/api']]) {
      const res = await request(server.url, path ?? '', { method, body: method === 'POST' ? '{}' : undefined });
      expect(res.status).toBe(503);
      expect(json(res)).toEqual({
        error: { code: 'api_not_configured', message: 'API_UPSTREAM is not configured on this server.' },
      });
    }
  });

  it.each(['/', '/assets/index-AbC123.js', '/nope.js', '/healthz', '/api/v1/images', '/%2e%2e/x', '/images/x'])(
    'sets the security headers on %s',
    async (path) => {
      const { headers } = await get(path);
      expect(headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['x-content-type-options']).toBe('nosniff');
      expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(headers['x-frame-options']).toBe('DENY');
      expect(headers['permissions-policy']).toContain('camera=()');
      expect(headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(headers['x-powered-by']).toBeUndefined();
    },
  );

  it('logs one JSON-ready line per request, without the query string', async () => {
    const before = log.lines.length;
    await get('/builds/7?token=secret');
    const lines = log.lines.slice(before).filter((line) => line.msg === 'request');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'INFO', method: 'GET', path: '/builds/7', status: 200 });
    expect(lines[0]?.['durationMs']).toEqual(expect.any(Number));
    expect(JSON.stringify(lines)).not.toContain('secret');
  });
});
