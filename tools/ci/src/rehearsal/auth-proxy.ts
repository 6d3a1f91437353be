// auth-proxy: puts Basic authentication with per-user access in front of a
// registry on loopback, for the rehearsal's release and preview registries
// (Debian's registry has htpasswd users, but no read-only ones). A `read` user
// may GET and HEAD; a `write` user may do anything; everyone else gets 401,
// and a read user's write 403 DENIED, as a registry with per-repository
// permissions answers. Requests are forwarded with their Host header, so the
// registry's upload URLs name the proxy. Runs as its own process (the
// rehearsal's steps block the test's event loop):
//   AUTH_PROXY='{"name":"release","backend":"127.0.0.1:5001","users":{"main":{"password":"…","access":"write"}},"log":"/tmp/x.jsonl"}' \
//     node -r @swc-node/register tools/ci/src/rehearsal/auth-proxy.ts
// Prints {"msg":"listening","addr":"127.0.0.1:<port>"}; logs one JSON line per request to `log`.
import { appendFileSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';

/** What a user of the proxy may do. */
export type Access = 'read' | 'write';

/** The proxy's settings. */
export interface AuthProxyConfig {
  name: string;
  /** host:port of the registry behind it. */
  backend: string;
  users: Record<string, { password: string; access: Access }>;
  /** File the proxy appends one JSON line per request to. */
  log: string;
  /** host:port to listen on; default 127.0.0.1:0. */
  listen?: string;
}

/** One request the proxy answered. */
export interface ProxyLogEntry {
  user: string;
  method: string;
  path: string;
  status: number;
}

/** The user a request authenticates as, or undefined. */
export function authenticate(header: string | undefined, users: AuthProxyConfig['users']): string | undefined {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? '');
  if (!m) return undefined;
  const text = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = text.indexOf(':');
  const [user, password] = [text.slice(0, i), text.slice(i + 1)];
  return i > 0 && users[user]?.password === password ? user : undefined;
}

/** Whether a method only reads. */
export function readsOnly(method: string | undefined): boolean {
  return method === 'GET' || method === 'HEAD';
}

function serve(config: AuthProxyConfig): void {
  const [backendHost, backendPort] = config.backend.split(':') as [string, string];
  const log = (entry: ProxyLogEntry) => appendFileSync(config.log, `${JSON.stringify(entry)}\n`);
  const refuse = (req: IncomingMessage, res: ServerResponse, user: string, status: 401 | 403, code: string, message: string) => {
    const body = JSON.stringify({ errors: [{ code, message, detail: null }] });
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'Docker-Distribution-Api-Version': 'registry/2.0' };
    if (status === 401) headers['WWW-Authenticate'] = `Basic realm="${config.name}"`;
    res.writeHead(status, headers).end(body);
    req.resume();
    log({ user, method: req.method ?? '', path: req.url ?? '', status });
  };
  const server = createServer((req, res) => {
    const user = authenticate(req.headers.authorization, config.users);
    if (!user) return refuse(req, res, 'anonymous', 401, 'UNAUTHORIZED', 'authentication required');
    if (config.users[user]?.access !== 'write' && !readsOnly(req.method)) {
      return refuse(req, res, user, 403, 'DENIED', `${user} may only read ${config.name}`);
    }
    const headers = { ...req.headers };
    delete headers.authorization;
    const upstream = request({ host: backendHost, port: Number(backendPort), method: req.method, path: req.url, headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
      up.on('end', () => log({ user, method: req.method ?? '', path: req.url ?? '', status: up.statusCode ?? 502 }));
    });
    upstream.on('error', (e) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`auth-proxy: ${config.backend}: ${e.message}`);
      log({ user, method: req.method ?? '', path: req.url ?? '', status: 502 });
    });
    req.pipe(upstream);
  });
  const [host, port] = (config.listen ?? '127.0.0.1:0').split(':') as [string, string];
  server.listen(Number(port), host, () => {
    const addr = server.address();
    if (addr && typeof addr === 'object') console.log(JSON.stringify({ msg: 'listening', addr: `${addr.address}:${addr.port}` }));
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => process.exit(0));
}

if (require.main === module) {
  const raw = process.env['AUTH_PROXY'];
  if (!raw) {
    console.error('auth-proxy: set AUTH_PROXY to its JSON settings (name, backend, users, log)');
    process.exit(2);
  }
  serve(JSON.parse(raw) as AuthProxyConfig);
}
