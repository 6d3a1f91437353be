import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A local test server and what it was asked. */
export interface TestServer {
  url: string;
  port: number;
  /** `METHOD /path` of every request (HTTP servers) or `connection` per accepted socket (hanging server). */
  requests: string[];
  close: () => Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function closer(server: Server, sockets: Set<Socket>): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

function track(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return sockets;
}

/** Accepts connections, reads what comes, and never answers. */
export async function startHangingServer(): Promise<TestServer> {
  const requests: string[] = [];
  const server = createNetServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      const line = chunk.toString('latin1').split('\r\n')[0] ?? '';
      if (/^[A-Z]+ \S+ HTTP\/1\.[01]$/.test(line)) requests.push(line.replace(/ HTTP\/1\.[01]$/, ''));
    });
    socket.on('error', () => undefined);
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, requests, close: closer(server, sockets) };
}

/** An HTTP server that answers every request with handler (after reading the body). */
export async function startHttpServer(handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void): Promise<TestServer> {
  const requests: string[] = [];
  const server = createHttpServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  const sockets = track(server);
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}`, port, requests, close: closer(server, sockets) };
}

/** Answers every request with one status and a plain-text body. */
export function startStatusServer(status: number): Promise<TestServer> {
  return startHttpServer((_req, _body, res) => {
    res.writeHead(status, { 'Content-Type': 'text/plain' });
    res.end(`status ${status}\n`);
  });
}

/**
 * A minimal in-memory server of Nx's self-hosted cache contract: /readyz and
 * /healthz 200, GET 200 or 404, PUT 200 or 409.
 */
export function startMemoryCacheServer(): Promise<TestServer & { entries: Map<string, Buffer> }> {
  const entries = new Map<string, Buffer>();
  return startHttpServer((req, body, res) => {
    const text = (status: number, msg: string) => {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      res.end(`${msg}\n`);
    };
    if (req.url === '/readyz') return text(200, 'ready');
    if (req.url === '/healthz') return text(200, 'ok');
    const hash = /^\/v1\/cache\/([A-Za-z0-9]+)$/.exec(req.url ?? '')?.[1];
    if (!hash) return text(404, 'not found');
    if (req.method === 'GET') {
      const entry = entries.get(hash);
      if (!entry) return text(404, 'miss');
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': entry.length });
      return res.end(entry);
    }
    if (req.method === 'PUT') {
      if (entries.has(hash)) return text(409, 'exists');
      entries.set(hash, body);
      return text(200, 'stored');
    }
    return text(405, 'method not allowed');
  }).then((s) => ({ ...s, entries }));
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
