import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiProxy } from './api-proxy';
import type { ServerConfig } from './config';
import type { Logger } from './logger';
import { parseRequestPath, type RequestPath } from './request-path';
import { sendError, sendJson } from './responses';
import { applySecurityHeaders } from './security-headers';
import { loadStaticSite, type Compressor } from './static-files';

export interface ServerDeps {
  log: Logger;
  compress?: Compressor;
}

export interface RunningServer {
  /** The bound port (useful with PORT=0). */
  readonly port: number;
  /** e.g. http://127.0.0.1:8080 — for logs and tests. */
  readonly url: string;
  /**
   * Stops accepting connections and resolves once in-flight requests have finished, or
   * after `shutdownTimeoutMs` by cutting whatever is left (`clean: false`). Idempotent.
   */
  shutdown(): Promise<{ clean: boolean }>;
}

// Longer than the 60 s idle timeout of common load balancers, so they never reuse a
// connection we are closing (which would surface as a sporadic 502).
const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export async function startServer(config: ServerConfig, deps: ServerDeps): Promise<RunningServer> {
  const { log } = deps;
  const site = await loadStaticSite(config.staticDir, { log, compress: deps.compress });
  const proxy =
    config.apiUpstream === undefined
      ? undefined
      : createApiProxy({ upstream: config.apiUpstream, timeoutMs: config.upstreamTimeoutMs, log });

  let draining = false;
  const inFlight = new Set<ServerResponse>();

  const route = async (target: RequestPath, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!target.ok) {
      sendError(res, 400, 'bad_request', `Bad request path: ${target.reason}.`);
      return;
    }
    const { rawPath, search, segments } = target;
    if (rawPath === '/healthz') {
      if (req.method === 'GET' || req.method === 'HEAD') {
        sendJson(res, 200, { status: 'ok' }, req.method === 'HEAD');
      } else {
        res.setHeader('Allow', 'GET, HEAD');
        sendError(res, 405, 'method_not_allowed', `${req.method ?? ''} is not allowed here`);
      }
    } else if (rawPath === '/api' || rawPath.startsWith('/api/')) {
      if (proxy === undefined) {
        sendError(res, 503, 'api_not_configured', 'API_UPSTREAM is not configured on this server.');
      } else {
        proxy.handle(req, res, rawPath, search);
      }
    } else {
      await site.handle(req, res, segments);
    }
  };

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    inFlight.add(res);
    applySecurityHeaders(res);
    // Tells keep-alive clients to reconnect (to a live replica) instead of reusing this socket.
    if (draining) res.setHeader('Connection', 'close');

    const target = parseRequestPath(req.url);
    // Without the query string, which may carry tokens.
    const path = target.ok ? target.rawPath : ((req.url ?? '').split('?')[0] ?? '');
    res.on('close', () => {
      inFlight.delete(res);
      const status = res.statusCode;
      const fields = {
        method: req.method,
        path,
        status,
        durationMs: Number(process.hrtime.bigint() - started) / 1e6,
        remote: req.socket.remoteAddress,
        ...(res.writableFinished ? {} : { aborted: true }),
      };
      if (status >= 500) log.error('request', fields);
      else log.info('request', fields);
      // A response that was in flight when draining began leaves an idle socket behind.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });

    route(target, req, res).catch((error: unknown) => {
      const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log.error('unhandled error', { error: detail });
      if (!res.headersSent) sendError(res, 500, 'internal', 'Internal server error.');
      else res.destroy();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address, family } = server.address() as AddressInfo;
  const url = `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`;

  log.info('listening', {
    url,
    staticDir: config.staticDir,
    files: site.fileCount,
    bytes: site.totalBytes,
    apiUpstream: config.apiUpstream?.href ?? null,
  });
  // Warm the compression cache in the background so the first visitors get it from memory.
  void site.precompress();

  let shuttingDown: Promise<{ clean: boolean }> | undefined;
  return {
    port,
    url,
    shutdown() {
      shuttingDown ??= new Promise((resolve) => {
        draining = true;
        let clean = true;
        for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
        const force = setTimeout(() => {
          clean = false;
          log.warn('shutdown timed out; closing remaining connections', { inFlight: inFlight.size });
          server.closeAllConnections();
        }, config.shutdownTimeoutMs);
        server.close(() => {
          clearTimeout(force);
          proxy?.close();
          resolve({ clean });
        });
        server.closeIdleConnections();
      });
      return shuttingDown;
    },
  };
}
