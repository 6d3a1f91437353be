// Slipway's remote cache end to end: the Go cache server built from go/apps/cache,
// real docker-build runs through Nx in two throwaway clones (one writes the
// cache, the other only reads it), the server's refusals over raw HTTP, and
// the with-remote-cache wrapper against a server that never answers.
// Needs a Docker engine with buildx (bash tools/image-harness/up.sh) and Go.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerAvailable } from '@slipway/testing/src/docker-available';
import { cachedProjects, nestedNxEnv, ranProjects, runNx, type NxRun } from '@slipway/testing/src/nx-runner';
import { copyWorkspace, type WorkspaceCopy } from '@slipway/testing/src/workspace-copy';
import { buildCacheServer, startCacheServer, type CacheServer } from './testing/cache-server';
import { httpRaw, truncatedPut } from './testing/http-raw';
import { goAvailable } from './testing/prerequisites';
import { run, wrapperCommand } from './testing/run';
import { startHangingServer, type TestServer } from './testing/servers';

const READ_TOKEN = `read-${process.pid}-${Date.now()}`;
const WRITE_TOKEN = `write-${process.pid}-${Date.now()}`;
const PROJECTS = ['api', 'web'];
const SERVER = 'NX_SELF_HOSTED_REMOTE_CACHE_SERVER';
const TOKEN = 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN';

interface Metadata {
  image: string;
  tags: string[];
  nxHash: string;
}

const metadataFile = (ws: WorkspaceCopy, project: string) => join(ws.root, 'dist/images', project, 'metadata.json');
const readMeta = (ws: WorkspaceCopy, project: string) => JSON.parse(readFileSync(metadataFile(ws, project), 'utf8')) as Metadata;
const refs = (m: Metadata) => m.tags.map((t) => `${m.image}:${t}`);
const imageExists = (ref: string) => spawnSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' }).status === 0;
/** IDs of the images in the engine's slipway-web and slipway-api repositories. */
const slipwayImageIds = () =>
  new Set(
    execFileSync('docker', ['images', '--no-trunc', '-q', '--filter', 'reference=slipway-web', '--filter', 'reference=slipway-api'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean),
  );
/**
 * Every task of an Nx run by its header, `> nx run web:docker-build  [remote cache]`,
 * as `project:target` → the cache mark ('' when the task ran). The run may hold
 * more than the docker-build tasks (their dependsOn, e.g. web:docker-deps).
 */
function tasks(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of output.matchAll(/^(?:\S+: )?> nx run (\S+:\S+?)(?:\s+\[([^\]]+)\])?\s*$/gm)) out[m[1] ?? ''] = m[2] ?? '';
  return out;
}

function nxOk(r: NxRun, what: string): NxRun {
  if (r.status !== 0) throw new Error(`${what} failed (exit ${r.status}):\n${r.output.slice(-6000)}`);
  return r;
}

describe.skipIf(!dockerAvailable() || !goAvailable())('remote cache end to end', () => {
  let binDir = '';
  let server: CacheServer;
  let a: WorkspaceCopy;
  let b: WorkspaceCopy;
  const metaA: Record<string, Metadata> = {};
  /** The entries clone A's run uploaded. */
  let entriesA: string[] = [];
  /** Image references this test's builds made; only these are removed. */
  const madeRefs = new Set<string>();
  const cacheEnv = (token: string) => ({ [SERVER]: server.url, [TOKEN]: token });

  beforeAll(async () => {
    binDir = mkdtempSync(join(tmpdir(), 'slipway-cache-bin-'));
    const bin = buildCacheServer(binDir);
    server = await startCacheServer(bin, { CACHE_READ_TOKENS: READ_TOKEN, CACHE_WRITE_TOKENS: WRITE_TOKEN });
  });

  afterAll(async () => {
    for (const ref of madeRefs) if (imageExists(ref)) spawnSync('docker', ['rmi', ref], { stdio: 'ignore' });
    await server?.stop();
    a?.remove();
    b?.remove();
    if (binDir) rmSync(binDir, { recursive: true, force: true });
  });

  it('clone A, with the write token, builds web and api and uploads both entries', async () => {
    a = copyWorkspace('slipway-rc-a-');
    const r = nxOk(runNx(a.root, ['run-many', '-t', 'docker-build', '-p', 'web', 'api', '--outputStyle=stream'], cacheEnv(WRITE_TOKEN)), 'docker-build in clone A');
    for (const p of PROJECTS) {
      metaA[p] = readMeta(a, p);
      for (const ref of refs(metaA[p])) madeRefs.add(ref);
    }
    expect(ranProjects(r.output)).toEqual(PROJECTS);
    // One entry per task that ran (docker-build and what it depends on), each
    // named by its task hash; the docker-build ones by the hash metadata.json records.
    const ran = Object.entries(tasks(r.output)).filter(([, mark]) => mark === '');
    entriesA = server.entries();
    expect(entriesA).toHaveLength(ran.length);
    expect(entriesA).toEqual(expect.arrayContaining(PROJECTS.map((p) => metaA[p]?.nxHash)));
    expect(server.tempFiles()).toEqual([]);
    const m = await server.metrics();
    expect(m['slipway_cache_stored_total']).toBe(ran.length);
    expect(m['slipway_cache_entries']).toBe(ran.length);
    expect(m['slipway_cache_misses_total']).toBe(ran.length); // Nx looked before it built
  });

  it('clone B, read-only, with the images gone from the engine: every docker-build is a remote hit, nothing is built', async () => {
    b = copyWorkspace('slipway-rc-b-');
    for (const p of PROJECTS) {
      const m = metaA[p];
      if (!m) throw new Error(`no metadata from clone A for ${p}`);
      // Only the tags clone A's build made; untagging the last one removes the image.
      execFileSync('docker', ['rmi', ...refs(m)], { stdio: 'ignore' });
      for (const ref of refs(m)) expect(imageExists(ref)).toBe(false);
    }
    const imagesBefore = slipwayImageIds();
    const before = await server.metrics();

    const r = nxOk(runNx(b.root, ['run-many', '-t', 'docker-build', '-p', 'web', 'api', '--outputStyle=stream'], cacheEnv(READ_TOKEN)), 'docker-build in clone B');
    expect(ranProjects(r.output)).toEqual([]);
    expect(cachedProjects(r.output)).toEqual(PROJECTS);
    // Every task of the run, docker-build and its dependencies, came from the remote cache.
    const all = tasks(r.output);
    expect(Object.keys(all)).toEqual(expect.arrayContaining(['api:docker-build', 'web:docker-build']));
    expect(Object.entries(all).filter(([, mark]) => mark !== 'remote cache')).toEqual([]);
    for (const p of PROJECTS) {
      expect(readFileSync(metadataFile(b, p), 'utf8')).toBe(readFileSync(metadataFile(a, p), 'utf8'));
      for (const ref of refs(metaA[p] as Metadata)) expect(imageExists(ref)).toBe(false);
    }
    expect([...slipwayImageIds()].filter((id) => !imagesBefore.has(id))).toEqual([]);
    const after = await server.metrics();
    expect((after['slipway_cache_hits_total'] ?? 0) - (before['slipway_cache_hits_total'] ?? 0)).toBe(Object.keys(all).length);
    expect(server.entries()).toEqual(entriesA);
  });

  it('a read-only run stores nothing: a changed api builds locally and its upload is refused (403)', async () => {
    const filesBefore = server.files();
    const before = await server.metrics();
    appendFileSync(join(b.root, 'go/apps/api/main.go'), '\n// remote cache test: a change that changes the api image hash\n');
    const r = nxOk(runNx(b.root, ['run', 'api:docker-build', '--outputStyle=stream'], cacheEnv(READ_TOKEN)), 'api:docker-build in clone B');
    const metaB = readMeta(b, 'api');
    for (const ref of refs(metaB)) if (!refs(metaA['api'] as Metadata).includes(ref)) madeRefs.add(ref);

    expect(ranProjects(r.output)).toEqual(['api']);
    expect(metaB.nxHash).not.toBe(metaA['api']?.nxHash);
    // Nothing new on the server: same files, same entry count, no store; each task that ran had its PUT refused.
    const ran = Object.entries(tasks(r.output)).filter(([, mark]) => mark === '');
    expect(server.files()).toEqual(filesBefore);
    expect(server.entries()).toEqual(entriesA);
    expect(server.entries()).not.toContain(metaB.nxHash);
    const after = await server.metrics();
    expect(after['slipway_cache_entries']).toBe(entriesA.length);
    expect(after['slipway_cache_stored_total']).toBe(before['slipway_cache_stored_total']);
    expect((after['slipway_cache_refusals_total{reason="forbidden"}'] ?? 0) - (before['slipway_cache_refusals_total{reason="forbidden"}'] ?? 0)).toBe(ran.length);
  });

  describe('bad requests over raw HTTP leave nothing behind', () => {
    let small: CacheServer;
    let filesBefore: string[] = [];
    const webHash = () => metaA['web']?.nxHash ?? '';

    beforeAll(async () => {
      const bin = join(binDir, 'cache');
      small = await startCacheServer(bin, { CACHE_READ_TOKENS: READ_TOKEN, CACHE_WRITE_TOKENS: WRITE_TOKEN, CACHE_MAX_ENTRY_BYTES: '1024' });
      filesBefore = server.files();
    });
    afterAll(async () => {
      await small?.stop();
    });
    afterEach(() => {
      expect(server.files()).toEqual(filesBefore);
    });

    it('no token, or a wrong one: 401 with Content-Type exactly text/plain (what Nx needs to show the message)', async () => {
      for (const [method, body] of [
        ['GET', undefined],
        ['PUT', Buffer.from('x')],
      ] as const) {
        for (const token of [undefined, 'not-a-token']) {
          const res = await httpRaw(server.url, method, `/v1/cache/${webHash()}`, { token, body });
          expect({ method, token, status: res.status, contentType: res.contentType }).toEqual({ method, token, status: 401, contentType: 'text/plain' });
        }
      }
      expect((await httpRaw(server.url, 'GET', `/v1/cache/${webHash()}`, { token: READ_TOKEN })).status).toBe(200);
    });

    it('a read-only token may not PUT: 403', async () => {
      const res = await httpRaw(server.url, 'PUT', '/v1/cache/1234567890', { token: READ_TOKEN, body: Buffer.from('poison') });
      expect(res.status).toBe(403);
      expect((await httpRaw(server.url, 'GET', '/v1/cache/1234567890', { token: READ_TOKEN })).status).toBe(404);
    });

    it.each(['..%2F..%2Fetc', '..%2F..%2Fetc%2Fpasswd', '../../etc/passwd', 'abc$', '', '%00', 'a'.repeat(129)])(
      'a hash of %j: 400 on GET and PUT',
      async (hash) => {
        for (const method of ['GET', 'PUT']) {
          const res = await httpRaw(server.url, method, `/v1/cache/${hash}`, { token: WRITE_TOKEN, body: method === 'PUT' ? Buffer.from('x') : undefined });
          expect({ method, status: res.status }).toEqual({ method, status: 400 });
        }
      },
    );

    it('an entry over CACHE_MAX_ENTRY_BYTES: 413, with or without a Content-Length', async () => {
      const big = Buffer.alloc(4096, 0x62);
      expect((await httpRaw(small.url, 'PUT', '/v1/cache/413001', { token: WRITE_TOKEN, body: big })).status).toBe(413);
      expect((await httpRaw(small.url, 'PUT', '/v1/cache/413002', { token: WRITE_TOKEN, body: [big.subarray(0, 1000), big.subarray(1000)] })).status).toBe(413);
      for (const hash of ['413001', '413002']) expect((await httpRaw(small.url, 'GET', `/v1/cache/${hash}`, { token: READ_TOKEN })).status).toBe(404);
      expect(small.files()).toEqual([]);
    });

    it.each(['end', 'destroy'] as const)('a body shorter than its Content-Length (client %s): no entry, no temporary file', async (how) => {
      const hash = how === 'end' ? '400001' : '400002';
      const answer = await truncatedPut(server.port, hash, WRITE_TOKEN, 1000, 100, how);
      if (answer) expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      const deadline = Date.now() + 10_000;
      while (server.tempFiles().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(server.tempFiles()).toEqual([]);
      expect((await httpRaw(server.url, 'GET', `/v1/cache/${hash}`, { token: READ_TOKEN })).status).toBe(404);
    });

    it('an overwrite: 409, and the original content is still served', async () => {
      const first = await httpRaw(small.url, 'PUT', '/v1/cache/409001', { token: WRITE_TOKEN, body: Buffer.from('original') });
      expect(first.status).toBe(200);
      const second = await httpRaw(small.url, 'PUT', '/v1/cache/409001', { token: WRITE_TOKEN, body: Buffer.from('replacement') });
      expect(second.status).toBe(409);
      expect(second.contentType).toBe('text/plain');
      const got = await httpRaw(small.url, 'GET', '/v1/cache/409001', { token: READ_TOKEN });
      expect({ status: got.status, body: got.body }).toEqual({ status: 200, body: 'original' });
      // The one entry the first PUT made, and nothing of the second.
      expect(small.files()).toEqual(['409001']);
    });
  });

  it('with-remote-cache: a server that never answers does not hang web:docker-build in clone B', async () => {
    const hanging: TestServer = await startHangingServer();
    try {
      const r = await run([...wrapperCommand, '--', 'npx', 'nx', 'run', 'web:docker-build', '--outputStyle=stream'], {
        cwd: b.root,
        env: nestedNxEnv({ [SERVER]: hanging.url, [TOKEN]: READ_TOKEN, SLIPWAY_CACHE_PROBE_TIMEOUT_MS: '2000' }),
        timeoutMs: 5 * 60_000,
      });
      expect(r.timedOut).toBe(false);
      expect(r.status).toBe(0);
      expect(r.output).toContain(`remote cache ${hanging.url} is unreachable (no answer from /readyz within 2000 ms); running without it`);
      // Done from clone B's local cache (filled by the remote hit above), or built; either way web:docker-build completed.
      expect([...cachedProjects(r.output), ...ranProjects(r.output)]).toEqual(['web']);
      expect(hanging.requests).toEqual(['GET /readyz']);
    } finally {
      await hanging.close();
    }
  });
});
