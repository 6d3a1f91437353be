import { request as httpRequest, STATUS_CODES, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/**
 * What a probe of the cache server found. An unhealthy result with a
 * `status` is a server that answered, but not with 2xx (e.g. 503: it cannot
 * store entries now); without one, the server was not reached in time.
 */
export type ProbeResult =
  | { healthy: true; status: number; path: string; ms: number }
  | { healthy: false; reason: string; status?: number; ms: number };

/**
 * An endpoint of a remote cache server beside its `/v1`. Nx appends
 * `/v1/cache/<hash>` to NX_SELF_HOSTED_REMOTE_CACHE_SERVER verbatim, so a
 * path prefix in the URL is kept here too. Throws on a URL Nx could not use
 * either (not http or https).
 */
export function endpointUrl(server: string, name: 'readyz' | 'healthz'): URL {
  const url = new URL(server);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an http(s) URL`);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${name}`;
  url.search = '';
  url.hash = '';
  return url;
}

/** The server URL for messages: without credentials, query or fragment. */
export function displayUrl(server: string): string {
  try {
    const url = new URL(server);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return JSON.stringify(server);
  }
}

/** Why a request failed, in a few words: `connection refused (ECONNREFUSED)`. */
function describeError(err: NodeJS.ErrnoException): string {
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
  };
  const code = err.code ?? '';
  const words = known[code] ?? err.message;
  return code && !words.includes(code) ? `${words} (${code})` : words;
}

/** How much of a refusal's body goes into the reason: its first line, printable ASCII only. */
const BODY_CHARS = 200;

function firstLine(body: string): string {
  const line = (body.split('\n')[0] ?? '').replace(/[^\x20-\x7e]/g, '').trim();
  return line.length > BODY_CHARS ? `${line.slice(0, BODY_CHARS)}…` : line;
}

/** One GET with the deadline given; resolves with the status and the start of the body, or the failure. */
function get(url: URL, deadline: number): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    let settled = false;
    let req: ClientRequest | undefined;
    const finish = (result: { status: number; body: string } | { error: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ error: 'timeout' }), Math.max(0, deadline - Date.now()));
    const onResponse = (res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) return finish({ status, body: '' });
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 4 * BODY_CHARS || body.includes('\n')) finish({ status, body });
      });
      res.on('end', () => finish({ status, body }));
      res.on('error', () => finish({ status, body }));
    };
    try {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      // No agent: the probe's socket must not outlive it and keep the process alive.
      req = send(url, { method: 'GET', agent: false, headers: { Accept: 'text/plain', Connection: 'close' } }, onResponse);
      req.on('error', (err: NodeJS.ErrnoException) => finish({ error: describeError(err) }));
      req.end();
    } catch (e) {
      finish({ error: describeError(e as NodeJS.ErrnoException) });
    }
  });
}

/**
 * Asks the server whether it can store entries now: GET `<server>/readyz`,
 * healthy on 2xx. Slipway's cache server answers 503 there, with the reason,
 * when its store cannot take a write (a read-only or full disk, an
 * unreachable bucket), which Nx 23 would turn into failed tasks. A server
 * without /readyz (404: an older Slipway cache, another implementation) is
 * asked `/healthz` instead, which says only that it runs. The whole
 * exchange, both requests included (DNS, connect, TLS, response headers,
 * the first line of a refusal), counts against timeoutMs. Never throws and
 * never waits longer than timeoutMs (plus a few milliseconds), whatever the
 * server does.
 */
export async function probeHealth(server: string, timeoutMs: number): Promise<ProbeResult> {
  const started = Date.now();
  const ms = () => Date.now() - started;
  const deadline = started + timeoutMs;
  let path: 'readyz' | 'healthz' = 'readyz';
  for (;;) {
    let url: URL;
    try {
      url = endpointUrl(server, path);
    } catch (e) {
      return { healthy: false, reason: `invalid URL: ${(e as Error).message}`, ms: 0 };
    }
    const r = await get(url, deadline);
    if ('error' in r) {
      const reason = r.error === 'timeout' ? `no answer from /${path} within ${timeoutMs} ms` : r.error;
      return { healthy: false, reason, ms: ms() };
    }
    if (r.status >= 200 && r.status < 300) return { healthy: true, status: r.status, path: `/${path}`, ms: ms() };
    if (r.status === 404 && path === 'readyz') {
      path = 'healthz';
      continue;
    }
    const detail = firstLine(r.body);
    const reason = `/${path} answered ${r.status} ${STATUS_CODES[r.status] ?? ''}`.trim() + (detail ? `: ${detail}` : '');
    return { healthy: false, reason, status: r.status, ms: ms() };
  }
}
