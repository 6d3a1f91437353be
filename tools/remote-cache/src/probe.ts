import { request as httpRequest, STATUS_CODES, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** What a probe of the cache server's /healthz found. */
export type ProbeResult =
  | { healthy: true; status: number; ms: number }
  | { healthy: false; reason: string; ms: number };

/**
 * The health endpoint of a remote cache server. Nx appends `/v1/cache/<hash>`
 * to NX_SELF_HOSTED_REMOTE_CACHE_SERVER verbatim, so a path prefix in the URL
 * is kept here too and `/healthz` goes beside `/v1`. Throws on a URL Nx could
 * not use either (not http or https).
 */
export function healthzUrl(server: string): URL {
  const url = new URL(server);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an http(s) URL`);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/healthz`;
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

/**
 * GETs `<server>/healthz` and reports whether it answered 2xx within
 * timeoutMs; the whole exchange (DNS, connect, TLS, response headers) counts
 * against the timeout. Never throws and never waits longer than timeoutMs
 * (plus a few milliseconds), whatever the server does.
 */
export function probeHealth(server: string, timeoutMs: number): Promise<ProbeResult> {
  const started = Date.now();
  const ms = () => Date.now() - started;
  let url: URL;
  try {
    url = healthzUrl(server);
  } catch (e) {
    return Promise.resolve({ healthy: false, reason: `invalid URL: ${(e as Error).message}`, ms: 0 });
  }
  return new Promise((resolve) => {
    let settled = false;
    let req: ClientRequest | undefined;
    const finish = (result: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req?.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ healthy: false, reason: `no answer from /healthz within ${timeoutMs} ms`, ms: ms() }), timeoutMs);
    const onResponse = (res: IncomingMessage) => {
      res.resume();
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) finish({ healthy: true, status, ms: ms() });
      else finish({ healthy: false, reason: `/healthz answered ${status} ${STATUS_CODES[status] ?? ''}`.trim(), ms: ms() });
    };
    try {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      // No agent: the probe's socket must not outlive it and keep the process alive.
      req = send(url, { method: 'GET', agent: false, headers: { Accept: 'text/plain', Connection: 'close' } }, onResponse);
      req.on('error', (err: NodeJS.ErrnoException) => finish({ healthy: false, reason: describeError(err), ms: ms() }));
      req.end();
    } catch (e) {
      finish({ healthy: false, reason: describeError(e as NodeJS.ErrnoException), ms: ms() });
    }
  });
}
