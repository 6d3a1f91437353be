// docker-build on a shared BuildKit: a second buildkitd on a loopback TCP port with
// mutual TLS (its own state, the harness's registry mirror, certificates made with
// openssl), registered as a buildx builder of the remote driver. A push-mode build
// through it lands in the registry, and a client without the client certificate is
// refused. Needs the image harness (bash tools/image-harness/up.sh).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:tls';
import { buildkitdAvailable, startBuildkitd, type Buildkitd } from '@slipway/testing/src/buildkitd';
import { dockerAvailable } from '@slipway/testing/src/docker-available';
import { ranProjects, runNx, type NxRun } from '@slipway/testing/src/nx-runner';
import { fetchManifest } from '@slipway/testing/src/registry';
import { copyWorkspace, type WorkspaceCopy } from '@slipway/testing/src/workspace-copy';
import { metadataPath, readMetadata, type ImageMetadata } from './build/metadata';

const ready = dockerAvailable() && buildkitdAvailable();
const NAMESPACE = `slipway-remote-${process.pid}-${Date.now().toString(36)}`;

function currentBuilder(): string {
  return spawnSync('docker', ['buildx', 'inspect'], { encoding: 'utf8' }).stdout.match(/^Name:\s*(\S+)/m)?.[1] ?? '';
}

/** Opens a TLS connection to the daemon and reports how the handshake ends: `accepted` or the alert's error code. */
function tlsHandshake(port: number, opts: { ca: string; cert?: string; key?: string }): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({
      host: '127.0.0.1',
      port,
      ALPNProtocols: ['h2'],
      ca: readFileSync(opts.ca),
      ...(opts.cert && opts.key ? { cert: readFileSync(opts.cert), key: readFileSync(opts.key) } : {}),
    });
    // TLS 1.3 finishes the client's side first; the server's verdict on the client certificate
    // arrives with the first read, so send the HTTP/2 preface and wait for an answer or an alert.
    socket.once('secureConnect', () => socket.write('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'));
    socket.once('data', () => {
      resolve('accepted');
      socket.destroy();
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    socket.once('close', () => resolve('closed'));
    socket.setTimeout(10_000, () => {
      resolve('timeout');
      socket.destroy();
    });
  });
}

describe.skipIf(!ready)('docker-build on a remote BuildKit over TCP with mutual TLS', () => {
  let bk: Buildkitd;
  let ws: WorkspaceCopy;
  let before = '';
  let build: NxRun;
  let meta: ImageMetadata;
  const port = () => Number(bk.addr.split(':').pop());

  beforeAll(async () => {
    before = currentBuilder();
    bk = await startBuildkitd({ tcp: true, name: 'slipway-remote' });
    ws = copyWorkspace('slipway-remote-');
  });

  afterAll(async () => {
    await bk?.stop();
    ws?.remove();
  });

  it('listens on a loopback TCP port with TLS and starts empty', () => {
    expect(bk.addr).toMatch(/^tcp:\/\/127\.0\.0\.1:\d+$/);
    expect(bk.cacheRecords()).toEqual([]);
  });

  it('refuses a client without the client certificate, or with one of another CA', async () => {
    const tls = bk.tls;
    if (!tls) throw new Error('a TCP daemon has client certificates');
    expect(await tlsHandshake(port(), { ca: tls.ca, cert: tls.cert, key: tls.key })).toBe('accepted');
    expect(await tlsHandshake(port(), { ca: tls.ca })).toBe('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED');
    expect(await tlsHandshake(port(), { ca: tls.ca, cert: tls.foreignCert, key: tls.foreignKey })).toBe('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA');
    // BuildKit's own client: the same refusals, and the right certificate gets through.
    expect(bk.buildctl(['debug', 'workers'], 'client').status).toBe(0);
    for (const mode of ['ca-only', 'foreign', 'none'] as const) {
      const r = bk.buildctl(['debug', 'workers'], mode);
      expect(r.status, `${mode}: ${r.output}`).not.toBe(0);
      expect(r.output).toMatch(/failed to list workers/);
    }
  });

  it('docker-build (push mode) runs on that builder, says so, and pushes the image to the registry', async () => {
    const started = Date.now();
    build = runNx(ws.root, ['run', 'cache:docker-build', '--outputStyle=stream'], {
      BUILDX_BUILDER: bk.builder,
      SLIPWAY_IMAGE_MODE: 'push',
      REGISTRY: `127.0.0.1:5000/${NAMESPACE}`,
    });
    expect(build.status, build.output.slice(-6000)).toBe(0);
    process.stderr.write(`remote-builder: cache:docker-build took ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    expect(ranProjects(build.output)).toEqual(['cache']);
    expect(build.output).toMatch(new RegExp(`on buildx builder "${bk.builder}" \\(remote driver, BuildKit v0\\.\\d+\\.\\d+\\)`));
    expect(build.output).toContain(`building with "${bk.builder}" instance using remote driver`);

    meta = readMetadata(metadataPath(ws.root, 'cache'));
    expect(meta.mode).toBe('push');
    expect(meta.image).toBe(`127.0.0.1:5000/${NAMESPACE}/slipway-cache`);
    expect(meta.digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const byDigest = await fetchManifest(meta.image, meta.digest);
    expect(byDigest.status).toBe(200);
    expect(byDigest.digest).toBe(meta.digest);
    expect(byDigest.bodyDigest).toBe(meta.digest);
    expect(byDigest.manifest.layers?.length).toBeGreaterThan(0);
    const byTag = await fetchManifest(meta.image, meta.tags[0] ?? 'no-tag');
    expect(byTag.digest).toBe(meta.digest);
  });

  it('the build happened on the remote daemon, and the current builder is unchanged', () => {
    expect(build?.status).toBe(0);
    const records = bk.cacheRecords();
    expect(records.some((r) => /go build/.test(r.description ?? ''))).toBe(true);
    expect(currentBuilder()).toBe(before);
  });
});
