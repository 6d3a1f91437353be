// Helpers for the server's tests (not bundled: nothing in main.ts imports this file).
import http, { type IncomingHttpHeaders } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerConfig } from './config';
import type { LogFields, Logger } from './logger';

export interface TestResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  agent?: http.Agent | false;
}

/**
 * A raw node:http request: unlike fetch, it sends the path exactly as written (so `..` and
 * `%2e%2e` reach the server) and does not decompress bodies.
 */
export function request(baseUrl: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        path,
        method: options.method ?? 'GET',
        // Explicit, because node:http does not frame a DELETE body by itself.
        headers:
          options.body === undefined
            ? options.headers
            : { 'Content-Length': String(Buffer.byteLength(options.body)), ...options.headers },
        agent: options.agent ?? false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

export function json(response: TestResponse): unknown {
  return JSON.parse(response.text);
}

// Over MIN_COMPRESS_BYTES so the text files get compressed.
const padding = (line: string, times = 200): string => `${line}\n`.repeat(times);

export const INDEX_HTML = `<!doctype html>
<html lang="en"><head><meta charset="UTF-8" /><title>Slipway</title>
<script type="module" crossorigin src="/assets/index-AbC123.js"></script>
<link rel="stylesheet" crossorigin href="/assets/index-DeF456.css">
</head><body><div id="root"></div>
<!--
${padding('padding so that index.html is worth compressing')}-->
</body></html>
`;
export const ASSET_JS = padding('export const answer = 42; console.log("hello from a hashed chunk");');
export const ASSET_CSS = padding('body { margin: 0; font-family: system-ui, sans-serif; }');
export const SECRET = 'top secret: outside STATIC_DIR';

export interface StaticFixture {
  root: string;
  /** STATIC_DIR: `<root>/site`; `<root>/secret.txt` sits just outside it. */
  dir: string;
  cleanup(): Promise<void>;
}

/** A temp directory shaped like `dist/apps/web`, with a secret file just outside it. */
export async function makeStaticFixture(): Promise<StaticFixture> {
  const root = await mkdtemp(join(tmpdir(), 'web-server-test-'));
  const dir = join(root, 'site');
  await mkdir(join(dir, 'assets'), { recursive: true });
  await mkdir(join(dir, '.vite'), { recursive: true });
  await writeFile(join(root, 'secret.txt'), SECRET);
  const files: Record<string, string | Buffer> = {
    'index.html': INDEX_HTML,
    'assets/index-AbC123.js': ASSET_JS,
    'assets/index-AbC123.js.map': padding('{"version":3,"sources":[],"mappings":""}', 30),
    'assets/index-DeF456.css': ASSET_CSS,
    'assets/logo-GhI789.png': Buffer.alloc(4096, 7),
    'assets/inter-JkL012.woff2': Buffer.alloc(4096, 9),
    'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"></svg>',
    'favicon.ico': Buffer.alloc(64, 1),
    'robots.txt': 'User-agent: *\nAllow: /\n',
    'data.json': '{"ok":true}',
    '.vite/manifest.json': '{"secret":"build metadata"}',
  };
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
  await symlink(join(root, 'secret.txt'), join(dir, 'linked-secret.txt'));
  return { root, dir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export function testConfig(overrides: Partial<ServerConfig> & { staticDir: string }): ServerConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    apiUpstream: undefined,
    upstreamTimeoutMs: 5_000,
    shutdownTimeoutMs: 2_000,
    ...overrides,
  };
}

export interface LogLine extends LogFields {
  level: string;
  msg: string;
}

/** A logger that keeps what it is told, for assertions (and keeps test output quiet). */
export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const push = (level: string) => (msg: string, fields: LogFields = {}) => {
    lines.push({ level, msg, ...fields });
  };
  return { lines, info: push('INFO'), warn: push('WARN'), error: push('ERROR') };
}

export interface Upstream {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** A real node:http server standing in for the Go API. */
export async function startUpstream(handler: http.RequestListener): Promise<Upstream> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port with nothing listening on it (bound, then released). */
export async function freePort(): Promise<number> {
  const upstream = await startUpstream(() => undefined);
  await upstream.close();
  return upstream.port;
}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
