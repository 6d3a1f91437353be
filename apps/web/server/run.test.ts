// @vitest-environment node
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunIo } from './run';
import type { RunningServer } from './server';
import { startServer } from './server';
import {
  freePort,
  makeStaticFixture,
  memoryLogger,
  request,
  startUpstream,
  testConfig,
  type StaticFixture,
} from './test-support';

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

function fakeIo(overrides: Partial<RunIo> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const signals = new EventEmitter();
  const io: RunIo = {
    stdout: { write: (chunk: string) => out.push(chunk) },
    stderr: { write: (chunk: string) => err.push(chunk) },
    signals,
    defaultStaticDir: fixture.dir,
    ...overrides,
  };
  return { io, signals, stdout: () => out.join(''), stderr: () => err.join('') };
}

const argv = (...args: string[]) => ['node', 'main.mjs', ...args];

describe('run', () => {
  it('exits 1 with every configuration problem on stderr', async () => {
    const { io, stderr } = fakeIo();
    expect(await run(argv(), { PORT: '99999', API_UPSTREAM: 'api:8080' }, io)).toBe(1);
    expect(stderr()).toContain('slipway-web: invalid configuration:');
    expect(stderr()).toContain('PORT must be an integer from 0 to 65535; got "99999"');
    expect(stderr()).toContain('API_UPSTREAM must be an absolute http(s) URL');
  });

  it('exits 1 when STATIC_DIR is missing or has no index.html', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'web-server-empty-'));
    cleanups.push(() => rm(empty, { recursive: true, force: true }));

    const missing = fakeIo();
    expect(await run(argv(), { PORT: '0', STATIC_DIR: join(empty, 'nope') }, missing.io)).toBe(1);
    expect(missing.stderr()).toMatch(/STATIC_DIR ".*nope" does not exist or is not a readable directory/);

    const noIndex = fakeIo();
    expect(await run(argv(), { PORT: '0', STATIC_DIR: empty }, noIndex.io)).toBe(1);
    expect(noIndex.stderr()).toContain('has no index.html; point it at the web build output (dist/apps/web)');
  });

  it('exits 1 when the port is taken', async () => {
    const taken = await startUpstream(() => undefined);
    cleanups.push(() => taken.close());
    const { io, stderr } = fakeIo();
    expect(await run(argv(), { PORT: String(taken.port), HOST: '127.0.0.1' }, io)).toBe(1);
    expect(stderr()).toContain('EADDRINUSE');
  });

  it('exits 2 on unknown arguments and prints usage for --help', async () => {
    const bad = fakeIo();
    expect(await run(argv('--verbose'), {}, bad.io)).toBe(2);
    expect(bad.stderr()).toContain('Unknown argument: --verbose');
    const help = fakeIo();
    expect(await run(argv('--help'), {}, help.io)).toBe(0);
    expect(help.stdout()).toContain('API_UPSTREAM');
  });

  it('serves from the default STATIC_DIR, logs JSON lines and exits 0 on SIGTERM', async () => {
    let listening: (server: RunningServer) => void = () => undefined;
    const started = new Promise<RunningServer>((resolve) => (listening = resolve));
    const { io, signals, stdout } = fakeIo({ onListening: (server) => listening(server) });
    const exit = run(argv(), { PORT: '0', HOST: '127.0.0.1' }, io);
    const server = await started;

    expect((await request(server.url, '/healthz')).status).toBe(200);
    signals.emit('SIGTERM');
    expect(await exit).toBe(0);

    const lines = stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line['msg'])).toEqual(['listening', 'request', 'shutting down', 'stopped']);
    expect(lines[1]).toMatchObject({ level: 'INFO', method: 'GET', path: '/healthz', status: 200 });
    expect(lines[1]?.['time']).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
    expect(lines[2]).toMatchObject({ signal: 'SIGTERM' });
    expect(lines[3]).toMatchObject({ clean: true });
  });

  it('finishes in-flight requests on SIGINT, refuses new connections, then exits 0', async () => {
    let release: () => void = () => undefined;
    let arrived: () => void = () => undefined;
    const upstreamGotRequest = new Promise<void>((resolve) => (arrived = resolve));
    const upstream = await startUpstream((_req, res) => {
      arrived();
      release = () => res.end('slow but done');
    });
    cleanups.push(() => upstream.close());

    let listening: (server: RunningServer) => void = () => undefined;
    const started = new Promise<RunningServer>((resolve) => (listening = resolve));
    const { io, signals } = fakeIo({ onListening: (server) => listening(server) });
    const exit = run(argv(), { PORT: '0', HOST: '127.0.0.1', API_UPSTREAM: upstream.url }, io);
    const server = await started;

    // A keep-alive client, as browsers are: the drain must still let it go.
    const agent = new http.Agent({ keepAlive: true });
    cleanups.push(async () => agent.destroy());
    const inFlight = request(server.url, '/api/slow', { agent });
    await upstreamGotRequest;

    signals.emit('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(request(server.url, '/healthz')).rejects.toMatchObject({ code: 'ECONNREFUSED' });

    let exited = false;
    void exit.then(() => (exited = true));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(exited).toBe(false);

    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(res.text).toBe('slow but done');
    expect(res.headers['connection']).toBe('close');
    expect(await exit).toBe(0);
  });

  it('cuts stragglers after the shutdown timeout', async () => {
    const upstream = await startUpstream(() => undefined /* never answers */);
    cleanups.push(() => upstream.close());
    const server = await startServer(
      testConfig({ staticDir: fixture.dir, apiUpstream: new URL(upstream.url), shutdownTimeoutMs: 200 }),
      { log: memoryLogger() },
    );
    const stuck = request(server.url, '/api/stuck');
    stuck.catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const begun = Date.now();
    expect(await server.shutdown()).toEqual({ clean: false });
    expect(Date.now() - begun).toBeLessThan(1_500);
    await expect(stuck).rejects.toThrow();
  });

  it('--healthcheck exits 0 when /healthz answers and 1 when nothing listens', async () => {
    const server = await startServer(testConfig({ staticDir: fixture.dir }), { log: memoryLogger() });
    cleanups.push(() => server.shutdown());
    expect(await run(argv('--healthcheck'), { PORT: String(server.port) }, fakeIo().io)).toBe(0);
    expect(await run(argv('--healthcheck'), { PORT: String(await freePort()) }, fakeIo().io)).toBe(1);
  });
});
