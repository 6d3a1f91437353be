import http from 'node:http';
import { ConfigError, loadConfig, type Env, type ServerConfig } from './config';
import { createJsonLogger } from './logger';
import { startServer, type RunningServer } from './server';

export interface RunIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** Where SIGTERM/SIGINT arrive: `process`, or an EventEmitter in tests. */
  signals: {
    on(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
    off(event: 'SIGTERM' | 'SIGINT', listener: () => void): unknown;
  };
  /** STATIC_DIR when unset: `public/` next to the bundled main.mjs. */
  defaultStaticDir: string;
  cwd?: string;
  onListening?: (server: RunningServer) => void;
}

export const USAGE = `Usage: node main.mjs [--healthcheck]

Serves the Slipway web app and proxies /api to the API.

Environment:
  PORT            port to listen on (default 8080)
  HOST            address to bind (default 0.0.0.0)
  STATIC_DIR      directory of the web build (default: public/ next to main.mjs)
  API_UPSTREAM    absolute http(s) URL that /api/* is forwarded to, e.g. http://api:8080
                  (unset: /api/* answers 503)
  API_TIMEOUT_MS  upstream idle timeout in ms (default 30000)

--healthcheck     GET /healthz on this PORT/HOST and exit 0 if it answers 200, else 1
                  (for a Docker HEALTHCHECK without curl or wget)
`;

/** The whole program: returns the process exit code. */
export async function run(argv: readonly string[], env: Env, io: RunIo): Promise<number> {
  const args = argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  const unknown = args.filter((arg) => arg !== '--healthcheck');
  if (unknown.length > 0) {
    io.stderr.write(`Unknown argument: ${unknown.join(' ')}\n\n${USAGE}`);
    return 2;
  }

  let config: ServerConfig;
  try {
    config = loadConfig(env, { staticDir: io.defaultStaticDir, cwd: io.cwd });
  } catch (error) {
    return reportStartupError(error, io);
  }
  if (args.includes('--healthcheck')) return healthcheck(config);

  const log = createJsonLogger(io.stdout);
  let server: RunningServer;
  try {
    server = await startServer(config, { log });
  } catch (error) {
    return reportStartupError(error, io);
  }
  io.onListening?.(server);

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => () => {
      io.signals.off('SIGTERM', onTerm);
      io.signals.off('SIGINT', onInt);
      log.info('shutting down', { signal });
      resolve();
    };
    const onTerm = stop('SIGTERM');
    const onInt = stop('SIGINT');
    io.signals.on('SIGTERM', onTerm);
    io.signals.on('SIGINT', onInt);
  });
  const { clean } = await server.shutdown();
  log.info('stopped', { clean });
  // A stop requested by the orchestrator is a success, even when stragglers were cut off.
  return 0;
}

function reportStartupError(error: unknown, io: RunIo): number {
  if (error instanceof ConfigError) {
    io.stderr.write(`slipway-web: ${error.message}\n`);
  } else {
    const err = error as NodeJS.ErrnoException;
    io.stderr.write(`slipway-web: cannot start: ${err.code ?? ''} ${err.message ?? String(error)}\n`);
  }
  return 1;
}

function healthcheck(config: ServerConfig): Promise<number> {
  // A wildcard bind address is not something to connect to; loopback reaches it.
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  return new Promise((resolve) => {
    const req = http.get({ host, port: config.port, path: '/healthz', timeout: 3_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200 ? 0 : 1);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(1));
  });
}
