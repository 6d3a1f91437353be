// The wrapper as a process: exit codes, environment, warning; then real Nx
// runs in a scratch workspace, with and without it, against servers that fail.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nestedNxEnv } from '@slipway/testing/src/nx-runner';
import { commandOf } from './with-remote-cache';
import { buildCacheServer, startCacheServer } from '../testing/cache-server';
import { goAvailable } from '../testing/prerequisites';
import { run, workspaceRoot, wrapperCommand } from '../testing/run';
import { scratchWorkspace, type ScratchWorkspace } from '../testing/scratch-workspace';
import { closedPort, startHangingServer, startMemoryCacheServer, startStatusServer, type TestServer } from '../testing/servers';

const SERVER = 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER';
const TOKEN = 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN';
const WARNING = /with-remote-cache: warning: remote cache http:\/\/127\.0\.0\.1:\d+ is (?:unreachable|not ready) \((.+)\); running without it/;

/** The environment of this test process without the outer Nx task's NX_* and CI annotations. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = nestedNxEnv();
  delete env['GITHUB_ACTIONS'];
  return { ...env, ...extra };
}

const printEnv = ['sh', '-c', `echo "server=\${${SERVER}-unset} token=\${${TOKEN}-unset} nocloud=\${NX_NO_CLOUD-unset}"; exit 7`];

const servers: TestServer[] = [];
async function keep<T extends TestServer>(s: Promise<T>): Promise<T> {
  const server = await s;
  servers.push(server);
  return server;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('commandOf', () => {
  it('is what follows --', () => {
    expect(commandOf(['--', 'npx', 'nx', 'run', 'web:build', '--', '--x'])).toEqual(['npx', 'nx', 'run', 'web:build', '--', '--x']);
    expect(commandOf([])).toBeUndefined();
    expect(commandOf(['--'])).toBeUndefined();
    expect(commandOf(['npx', 'nx'])).toBeUndefined();
  });
});

describe('with-remote-cache as a process', () => {
  const wrap = (command: string[], env: Record<string, string> = {}) =>
    run([...wrapperCommand, ...command], { cwd: workspaceRoot, env: cleanEnv(env), timeoutMs: 30_000 });

  it('without --, prints its usage and exits 2', async () => {
    const r = await run(wrapperCommand, { cwd: workspaceRoot, env: cleanEnv(), timeoutMs: 30_000 });
    expect(r.status).toBe(2);
    expect(r.output).toContain('usage: with-remote-cache -- <command>');
  });

  it('without a remote cache, runs the command as it is and exits with its code', async () => {
    const r = await wrap(['--', ...printEnv]);
    expect(r.status).toBe(7);
    expect(r.output.trim()).toBe('server=unset token=unset nocloud=true');
  });

  it('with a healthy server, leaves the environment unchanged', async () => {
    const s = await keep(startStatusServer(200));
    const r = await wrap(['--', ...printEnv], { [SERVER]: s.url, [TOKEN]: 't0k', NX_NO_CLOUD: 'false' });
    expect(r.status).toBe(7);
    expect(r.output.trim()).toBe(`server=${s.url} token=t0k nocloud=false`);
    expect(s.requests).toEqual(['GET /readyz']);
  });

  it.each([
    ['a closed port', async () => `http://127.0.0.1:${await closedPort()}`, /^connection refused \(ECONNREFUSED\)$/],
    ['a 503', async () => (await keep(startStatusServer(503))).url, /^\/readyz answered 503 Service Unavailable: status 503$/],
    ['a hanging server', async () => (await keep(startHangingServer())).url, /^no answer from \/readyz within 500 ms$/],
  ])('with %s, warns and runs the command without the remote cache', async (_name, url, reason) => {
    const r = await wrap(['--', ...printEnv], { [SERVER]: await url(), [TOKEN]: 't0k', NX_NO_CLOUD: 'false', SLIPWAY_CACHE_PROBE_TIMEOUT_MS: '500' });
    expect(r.status).toBe(7);
    expect(r.output).toMatch(WARNING);
    expect(WARNING.exec(r.output)?.[1]).toMatch(reason);
    expect(r.output).toContain('server=unset token=unset nocloud=true');
    expect(r.ms).toBeLessThan(15_000);
  });

  it('under GitHub Actions the warning is an annotation', async () => {
    const r = await wrap(['--', 'true'], { [SERVER]: `http://127.0.0.1:${await closedPort()}`, GITHUB_ACTIONS: 'true' });
    expect(r.status).toBe(0);
    expect(r.output).toMatch(/^::warning title=remote cache::remote cache http:\/\/127\.0\.0\.1:\d+ is unreachable/m);
  });

  it('an invalid probe timeout is an error (exit 2), not a silent default', async () => {
    const r = await wrap(['--', 'true'], { [SERVER]: 'http://127.0.0.1:9', SLIPWAY_CACHE_PROBE_TIMEOUT_MS: '3s' });
    expect(r.status).toBe(2);
    expect(r.output).toContain('SLIPWAY_CACHE_PROBE_TIMEOUT_MS must be a whole number');
  });

  it('reports a command killed by a signal as 128 + the signal number, and a missing command as 127', async () => {
    expect((await wrap(['--', 'sh', '-c', 'kill -TERM $$'])).status).toBe(143);
    const missing = await wrap(['--', 'slipway-no-such-command']);
    expect(missing.status).toBe(127);
    expect(missing.output).toContain('cannot run slipway-no-such-command');
  });

  it('forwards SIGTERM to the command and waits for it', async () => {
    let wrapperPid = 0;
    // The command says when its trap is set, so a slow start on a loaded machine cannot race the signal.
    const ready = join(mkdtempSync(join(tmpdir(), 'with-remote-cache-term-')), 'ready');
    const child = run([...wrapperCommand, '--', 'sh', '-c', `trap 'echo got-term; kill $p; exit 5' TERM; sleep 30 & p=$!; : > '${ready}'; wait`], {
      cwd: workspaceRoot,
      env: cleanEnv(),
      timeoutMs: 60_000,
      onSpawn: (pid) => (wrapperPid = pid),
    });
    for (const deadline = Date.now() + 45_000; !existsSync(ready) && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 50));
    expect(existsSync(ready)).toBe(true);
    const signalled = Date.now();
    process.kill(wrapperPid, 'SIGTERM'); // the wrapper alone, not its process group
    const r = await child;
    expect(r.output).toContain('got-term');
    expect(r.status).toBe(5);
    // Forwarded, not waited out: the command would otherwise sleep 30 s.
    expect(Date.now() - signalled).toBeLessThan(15_000);
  });
});

describe('real Nx runs in a scratch workspace', () => {
  let ws: ScratchWorkspace;
  let salt = 0;
  beforeAll(() => {
    ws = scratchWorkspace();
  });
  afterAll(() => ws?.remove());

  /** `nx run a:work` with a fresh SALT (so a local and remote cache miss), optionally through the wrapper. */
  const nx = (env: Record<string, string>, opts: { wrapped: boolean; timeoutMs?: number; salt?: string }) => {
    rmSync(join(ws.root, 'dist'), { recursive: true, force: true });
    const command = [join(ws.root, 'node_modules/.bin/nx'), 'run', 'a:work', '--outputStyle=stream'];
    return run(opts.wrapped ? [...wrapperCommand, '--', ...command] : command, {
      cwd: ws.root,
      env: cleanEnv({ SALT: opts.salt ?? `salt-${Date.now()}-${salt++}`, [TOKEN]: 'scratch-token', ...env }),
      timeoutMs: opts.timeoutMs ?? 120_000,
    });
  };
  const wrote = () => existsSync(ws.output);

  it('finding: without the wrapper, a closed port fails the run (exit 1) before the task runs', async () => {
    const r = await nx({ [SERVER]: `http://127.0.0.1:${await closedPort()}` }, { wrapped: false });
    expect(r.status).toBe(1);
    expect(r.output).toContain('Failed to send request: error sending request for url');
    expect(wrote()).toBe(false);
  });

  it('finding: without the wrapper, a 503 fails the run (exit 1) before the task runs', async () => {
    const s = await keep(startStatusServer(503));
    const r = await nx({ [SERVER]: s.url }, { wrapped: false });
    expect(r.status).toBe(1);
    expect(r.output).toContain('Misconfigured remote cache endpoint: Unexpected response status: 503 Service Unavailable');
    expect(wrote()).toBe(false);
  });

  it('finding: without the wrapper, a server that never answers hangs the run (still waiting after 20 s)', async () => {
    const s = await keep(startHangingServer());
    const r = await nx({ [SERVER]: s.url }, { wrapped: false, timeoutMs: 20_000 });
    expect(r.timedOut).toBe(true);
    expect(s.requests).toEqual([expect.stringMatching(/^GET \/v1\/cache\/\d+$/)]);
    expect(wrote()).toBe(false);
  });

  it('through the wrapper, a server that never answers costs the probe timeout and the task runs', async () => {
    const s = await keep(startHangingServer());
    const r = await nx({ [SERVER]: s.url, SLIPWAY_CACHE_PROBE_TIMEOUT_MS: '1000' }, { wrapped: true, timeoutMs: 90_000 });
    expect(r.timedOut).toBe(false);
    expect(r.status).toBe(0);
    expect(WARNING.exec(r.output)?.[1]).toBe('no answer from /readyz within 1000 ms');
    expect(r.output).toContain('Successfully ran target work for project a');
    expect(wrote()).toBe(true);
    // Nx never talked to the server: only the probe did.
    expect(s.requests).toEqual(['GET /readyz']);
  });

  it('through the wrapper, a closed port or a 503 no longer fails the run', async () => {
    const port = await closedPort();
    const s503 = await keep(startStatusServer(503));
    for (const url of [`http://127.0.0.1:${port}`, s503.url]) {
      const r = await nx({ [SERVER]: url }, { wrapped: true });
      expect(r.status).toBe(0);
      expect(r.output).toMatch(WARNING);
      expect(wrote()).toBe(true);
    }
    expect(s503.requests).toEqual(['GET /readyz']);
  });

  it('through the wrapper, a healthy server is used: the entry is uploaded, then served to a clean local cache', async () => {
    const s = await keep(startMemoryCacheServer());
    const env = { [SERVER]: s.url };
    const first = await nx(env, { wrapped: true, salt: 'healthy-server' });
    expect(first.status).toBe(0);
    expect(first.output).not.toMatch(WARNING);
    expect(s.requests).toEqual(['GET /readyz', expect.stringMatching(/^GET \/v1\/cache\/\d+$/), expect.stringMatching(/^PUT \/v1\/cache\/\d+$/)]);
    expect(s.entries.size).toBe(1);

    rmSync(join(ws.root, '.nx'), { recursive: true, force: true }); // an empty local cache
    const second = await nx(env, { wrapped: true, salt: 'healthy-server' });
    expect(second.status).toBe(0);
    expect(second.output).toMatch(/> nx run a:work +\[remote cache\]/);
    expect(readFileSync(ws.output, 'utf8')).toBe('healthy-server');
  });
});

describe.skipIf(!goAvailable())("with-remote-cache against Slipway's cache server", () => {
  let binDir = '';
  let bin = '';
  beforeAll(() => {
    binDir = mkdtempSync(join(tmpdir(), 'slipway-wrapper-cache-'));
    bin = buildCacheServer(binDir);
  }, 300_000);
  afterAll(() => rmSync(binDir, { recursive: true, force: true }));

  const wrap = (command: string[], env: Record<string, string>) =>
    run([...wrapperCommand, ...command], { cwd: workspaceRoot, env: cleanEnv(env), timeoutMs: 30_000 });

  it('a server whose store cannot take a write (less free space than CACHE_MIN_FREE_BYTES) is not used', async () => {
    const s = await startCacheServer(bin, { CACHE_WRITE_TOKENS: 'w', CACHE_MIN_FREE_BYTES: '1000000TiB' });
    try {
      const r = await wrap(['--', ...printEnv], { [SERVER]: s.url, [TOKEN]: 'w', NX_NO_CLOUD: 'false' });
      expect(r.status).toBe(7);
      expect(r.output).toContain(`remote cache ${s.url} is not ready (`);
      expect(WARNING.exec(r.output)?.[1]).toMatch(
        /^\/readyz answered 503 Service Unavailable: not ready: the cache directory has [\d.]+ [KMGTP]?i?B free, less than the 976\.6 PiB required \(CACHE_MIN_FREE_BYTES\)$/,
      );
      expect(r.output).toContain('server=unset token=unset nocloud=true');
    } finally {
      await s.stop();
    }
  });

  it('a ready server is used', async () => {
    const s = await startCacheServer(bin, { CACHE_WRITE_TOKENS: 'w', CACHE_MIN_FREE_BYTES: '1MiB' });
    try {
      const r = await wrap(['--', ...printEnv], { [SERVER]: s.url, [TOKEN]: 'w', NX_NO_CLOUD: 'false' });
      expect(r.status).toBe(7);
      expect(r.output.trim()).toBe(`server=${s.url} token=w nocloud=false`);
    } finally {
      await s.stop();
    }
  });
});
