import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream';
import { urlToHttpOptions } from 'node:url';
import type { Logger } from './logger';
import { sendError } from './responses';
import { isSecurityHeader } from './security-headers';

// Per-connection headers (RFC 9110 §7.6.1) that a proxy must not forward.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface ApiProxy {
  /** Forwards the request to `<upstream><rawPath><search>`, streaming both bodies. */
  handle(req: IncomingMessage, res: ServerResponse, rawPath: string, search: string): void;
  /** Drops pooled upstream connections (at shutdown). */
  close(): void;
}

export function createApiProxy(options: { upstream: URL; timeoutMs: number; log: Logger }): ApiProxy {
  const { upstream, timeoutMs, log } = options;
  const secure = upstream.protocol === 'https:';
  // Pooled connections save a TCP (and TLS) handshake per API call.
  const agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
  const { hostname, port } = urlToHttpOptions(upstream);
  const prefix = upstream.pathname.replace(/\/+$/, '');

  return {
    handle(req, res, rawPath, search) {
      const upstreamReq = (secure ? https : http).request({
        protocol: upstream.protocol,
        hostname,
        port,
        method: req.method,
        // Forwarded still encoded, exactly as received: re-encoding could change meaning.
        path: prefix + rawPath + search,
        headers: forwardedRequestHeaders(req),
        agent,
        // Idle time on the socket: covers connecting, waiting for headers and a stalled body.
        timeout: timeoutMs,
      });

      let timedOut = false;
      let clientGone = false;
      upstreamReq.on('timeout', () => {
        timedOut = true;
        upstreamReq.destroy(new Error(`upstream idle for ${timeoutMs} ms`));
      });

      upstreamReq.on('error', (error: NodeJS.ErrnoException) => {
        req.unpipe(upstreamReq);
        if (clientGone) return; // the client left first; nobody to tell
        log.warn('upstream request failed', {
          method: req.method,
          path: rawPath,
          error: error.code ?? error.message,
          timedOut,
        });
        if (res.headersSent) {
          // Mid-body: the status is gone, so cutting the connection is the only honest signal.
          res.destroy(error);
        } else if (timedOut) {
          sendError(res, 504, 'upstream_timeout', 'The API did not respond in time.');
        } else {
          sendError(res, 502, 'upstream_unavailable', 'The API could not be reached.');
        }
      });

      upstreamReq.on('response', (upstreamRes) => {
        const dropped = connectionTokens(upstreamRes.headers.connection);
        for (const [name, value] of Object.entries(upstreamRes.headers)) {
          // Our security headers stay as set: one policy for every response from this origin.
          if (value === undefined || dropped.has(name) || isSecurityHeader(name)) continue;
          res.setHeader(name, value);
        }
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage);
        pipeline(upstreamRes, res, () => {
          // Errors are handled above (upstream) or need no answer (client went away).
        });
      });

      // A client that hangs up should not keep an upstream request (and socket) busy.
      res.on('close', () => {
        if (res.writableFinished) return;
        clientGone = true;
        upstreamReq.destroy();
      });
      req.on('error', () => upstreamReq.destroy());
      req.pipe(upstreamReq);
    },

    close() {
      agent.destroy();
    },
  };
}

function connectionTokens(header: string | string[] | undefined): Set<string> {
  const tokens = new Set(HOP_BY_HOP);
  for (const value of [header ?? []].flat()) {
    for (const token of value.split(',')) {
      const name = token.trim().toLowerCase();
      if (name !== '') tokens.add(name);
    }
  }
  return tokens;
}

function forwardedRequestHeaders(req: IncomingMessage): OutgoingHttpHeaders {
  const dropped = connectionTokens(req.headers.connection);
  // Host is set by node:http from the upstream URL; Expect was already answered by us.
  dropped.add('host');
  dropped.add('expect');
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined && !dropped.has(name)) headers[name] = value;
  }
  // The request body is re-framed by node:http. Without an explicit chunked Transfer-Encoding
  // it would send a body of unknown length unframed for DELETE/GET/OPTIONS, and the upstream
  // would read the body as the next request.
  if (req.headers['transfer-encoding'] !== undefined) headers['transfer-encoding'] = 'chunked';
  // Same semantics as Go's httputil.ProxyRequest.SetXForwarded: append to the client chain,
  // describe the hop we saw ourselves for proto and host.
  const chain = [req.headers['x-forwarded-for'] ?? []].flat().join(', ');
  const client = req.socket.remoteAddress ?? '';
  headers['x-forwarded-for'] = chain === '' ? client : `${chain}, ${client}`;
  // This server only speaks plain HTTP (TLS ends at the ingress in front of it).
  headers['x-forwarded-proto'] = 'http';
  if (req.headers.host !== undefined) headers['x-forwarded-host'] = req.headers.host;
  else delete headers['x-forwarded-host'];
  return headers;
}
