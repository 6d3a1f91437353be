// Over 300 lines: starting a throwaway buildkitd takes its certificates, registry mirror settings,
// buildx registration and teardown, which only make sense together.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './processes';
import { workspaceRoot } from './workspace-copy';

/** Where tools/image-harness/up.sh keeps its state (SLIPWAY_HARNESS_STATE moves it). */
export function harnessState(env: NodeJS.ProcessEnv = process.env): string {
  return env['SLIPWAY_HARNESS_STATE'] || '/var/lib/slipway-harness';
}

/** The harness's BuildKit: its binaries and the config whose registry mirror a test daemon copies. */
export interface HarnessBuildkit {
  version: string;
  buildkitd: string;
  buildctl: string;
  /** The harness daemon's buildkitd.toml (docker.io mirrored to the loopback registry). */
  config: string;
}

const FIX = 'run `bash tools/image-harness/up.sh` (as root) first';

/** The harness's BuildKit, or why there is none (with the fix). */
export function findHarnessBuildkit(env: NodeJS.ProcessEnv = process.env): HarnessBuildkit | string {
  if (process.getuid?.() !== 0) return 'a buildkitd with the runc worker runs as root: run the test as root (sudo)';
  const pin = /^BUILDKIT_VERSION=(\S+)/m.exec(readFileSync(join(workspaceRoot, 'tools/image-harness/up.sh'), 'utf8'))?.[1];
  if (!pin) return 'tools/image-harness/up.sh pins no BUILDKIT_VERSION';
  const state = harnessState(env);
  const dir = join(state, 'bin', `buildkit-${pin}`);
  const found: HarnessBuildkit = {
    version: pin,
    buildkitd: join(dir, 'buildkitd'),
    buildctl: join(dir, 'buildctl'),
    config: join(state, 'etc', 'buildkitd.toml'),
  };
  for (const file of [found.buildkitd, found.buildctl, found.config]) {
    if (!existsSync(file)) return `${file} does not exist (BuildKit ${pin} of the image harness): ${FIX}`;
  }
  return found;
}

/**
 * Whether a throwaway buildkitd can be started. Tests that need one skip with the
 * reason locally and fail under CI=true, like dockerAvailable().
 */
export function buildkitdAvailable(): boolean {
  const found = findHarnessBuildkit();
  if (typeof found !== 'string') return true;
  if (process.env['CI'] === 'true') throw new Error(`buildkitd tests cannot run under CI=true: ${found}`);
  console.warn(`SKIPPING buildkitd tests: ${found}`);
  return false;
}

/** The `[registry."…"]` sections of a buildkitd.toml: the harness's docker.io mirror and its plain-HTTP registry. */
export function registrySections(toml: string): string {
  const out: string[] = [];
  let keep = false;
  for (const line of toml.split('\n')) {
    const header = /^\s*\[([^\]]+)\]\s*$/.exec(line)?.[1];
    if (header !== undefined) keep = header.startsWith('registry.');
    if (keep) out.push(line);
  }
  return out.join('\n').trim();
}

/** Client files for a daemon that listens on TCP with mutual TLS. */
export interface ClientTls {
  /** The CA that signed the server's and the client's certificates. */
  ca: string;
  cert: string;
  key: string;
  /** A client certificate and key from another CA, which the daemon must refuse. */
  foreignCert: string;
  foreignKey: string;
}

/** A buildkitd started by a test, registered as a buildx builder of its own. */
export interface Buildkitd {
  /** The buildx builder name (`BUILDX_BUILDER=<name>` or `--builder <name>` selects it). */
  builder: string;
  /** `unix:///…/buildkitd.sock` or `tcp://127.0.0.1:<port>`. */
  addr: string;
  /** Client certificates, when the daemon listens on TCP. */
  tls?: ClientTls;
  /** Runs buildctl against this daemon, with the client certificate unless `tls` says otherwise. */
  buildctl: (args: string[], tls?: 'client' | 'ca-only' | 'foreign' | 'none') => { status: number | null; output: string };
  /** BuildKit's cache records (`buildctl du`): none on a fresh daemon. */
  cacheRecords: () => { description?: string; size: number }[];
  log: () => string;
  /** Removes the builder, stops the daemon and deletes its state; safe to call twice. */
  stop: () => Promise<void>;
}

export interface BuildkitdOptions {
  /** Listen on a loopback TCP port with mutual TLS instead of a Unix socket. */
  tcp?: boolean;
  /** Prefix of the builder name (a unique suffix is added). */
  name?: string;
}

const say = (msg: string) => process.stderr.write(`buildkitd: ${msg}\n`);

/** Runs a command without blocking the event loop (stopping two daemons overlaps). */
function run(cmd: string, args: string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    c.stdout.on('data', (d: Buffer) => (output += d.toString()));
    c.stderr.on('data', (d: Buffer) => (output += d.toString()));
    c.on('error', (e) => resolve({ status: null, output: e.message }));
    c.on('close', (status) => resolve({ status, output }));
  });
}

function openssl(dir: string, ...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, and a certificate it signs for `cn` with the given extensions. */
function makeCa(dir: string, name: string): void {
  openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', `${name}-ca.key`, '-out', `${name}-ca.pem`, '-subj', `/CN=slipway test ${name} CA`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
}

function makeCert(dir: string, ca: string, name: string, cn: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), `${ext}\n`);
  openssl(dir, 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`);
  openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}-ca.pem`, '-CAkey', `${ca}-ca.key`, '-CAcreateserial',
    '-days', '2', '-out', `${name}.pem`, '-extfile', `${name}.ext`);
}

/** CA, server (SAN IP:127.0.0.1) and client certificates, plus a client certificate of another CA. */
function makeCertificates(dir: string): { server: { ca: string; cert: string; key: string }; client: ClientTls } {
  mkdirSync(dir, { recursive: true });
  makeCa(dir, 'test');
  makeCa(dir, 'foreign');
  makeCert(dir, 'test', 'server', 'buildkitd', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature');
  makeCert(dir, 'test', 'client', 'slipway-test-client', 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature');
  makeCert(dir, 'foreign', 'foreign-client', 'slipway-test-client', 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature');
  const f = (n: string) => join(dir, n);
  return {
    server: { ca: f('test-ca.pem'), cert: f('server.pem'), key: f('server.key') },
    client: { ca: f('test-ca.pem'), cert: f('client.pem'), key: f('client.key'), foreignCert: f('foreign-client.pem'), foreignKey: f('foreign-client.key') },
  };
}

function daemonToml(root: string, addr: string, otelSocket: string, registry: string, tls?: { ca: string; cert: string; key: string }): string {
  const q = JSON.stringify;
  return [
    '# a throwaway buildkitd of a Slipway test',
    `root = ${q(root)}`,
    '',
    '[log]',
    '  format = "text"',
    '',
    '[grpc]',
    `  address = [${q(addr)}]`,
    ...(tls ? ['', '[grpc.tls]', `  cert = ${q(tls.cert)}`, `  key = ${q(tls.key)}`, `  ca = ${q(tls.ca)}`] : []),
    '',
    // Its own trace socket: the default (/run/buildkit/otel-grpc.sock) is shared by every daemon on the machine.
    '[otel]',
    `  socketPath = ${q(otelSocket)}`,
    '',
    '[worker.oci]',
    '  enabled = true',
    '  platforms = ["linux/amd64"]',
    '  snapshotter = "auto"',
    '  gc = true',
    '',
    '[worker.containerd]',
    '  enabled = false',
    '',
    registry,
    '',
  ].join('\n');
}

/** Mount points under dir (a killed daemon can leave snapshot mounts behind), deepest first. */
function mountsUnder(dir: string): string[] {
  let text = '';
  try {
    text = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/**
 * Starts a buildkitd with a fresh state directory (under a temporary directory),
 * the image harness's registry mirror, and its own buildx builder (remote driver),
 * on a Unix socket or, with `tcp`, on a loopback port with mutual TLS (certificates
 * made with openssl). Call stop() in afterAll: it also runs when the process exits.
 */
export async function startBuildkitd(opts: BuildkitdOptions = {}): Promise<Buildkitd> {
  const bk = findHarnessBuildkit();
  if (typeof bk === 'string') throw new Error(`cannot start a buildkitd: ${bk}`);
  const dir = mkdtempSync(join(tmpdir(), 'slipway-buildkitd-'));
  const builder = `${opts.name ?? 'slipway-test'}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const logFile = join(dir, 'buildkitd.log');
  let child: ChildProcess | undefined;
  let registered = false;
  let stopped = false;

  const cleanupSync = () => {
    if (stopped) return;
    stopped = true;
    if (registered) spawnSync('docker', ['buildx', 'rm', builder], { stdio: 'ignore' });
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const m of mountsUnder(dir)) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanupSync);

  const stop = async () => {
    if (stopped) return;
    const t = Date.now();
    process.removeListener('exit', cleanupSync);
    if (registered) {
      const r = await run('docker', ['buildx', 'rm', builder]);
      if (r.status !== 0) say(`docker buildx rm ${builder}: ${r.output.trim()}`);
      registered = false;
    }
    if (child && child.exitCode === null && child.signalCode === null) {
      const c = child;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    const down = Date.now();
    stopped = true;
    for (const m of mountsUnder(dir)) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    // Asynchronous, so that the state of two daemons stopped together is deleted side by side.
    await rm(dir, { recursive: true, force: true });
    say(`stopped ${builder} in ${((down - t) / 1000).toFixed(1)} s and deleted its state in ${((Date.now() - down) / 1000).toFixed(1)} s`);
  };

  try {
    const registry = registrySections(readFileSync(bk.config, 'utf8'));
    if (!registry) throw new Error(`${bk.config} has no [registry."…"] sections (the docker.io mirror): ${FIX}`);
    const certs = opts.tcp ? makeCertificates(join(dir, 'certs')) : undefined;
    const addr = opts.tcp ? `tcp://127.0.0.1:${await freePort()}` : `unix://${join(dir, 'buildkitd.sock')}`;
    const toml = join(dir, 'buildkitd.toml');
    writeFileSync(toml, daemonToml(join(dir, 'root'), addr, join(dir, 'otel-grpc.sock'), registry, certs?.server));

    const tlsArgs = (mode: 'client' | 'ca-only' | 'foreign' | 'none'): string[] => {
      if (!certs || mode === 'none') return [];
      const c = certs.client;
      if (mode === 'ca-only') return ['--tlscacert', c.ca];
      if (mode === 'foreign') return ['--tlscacert', c.ca, '--tlscert', c.foreignCert, '--tlskey', c.foreignKey];
      return ['--tlscacert', c.ca, '--tlscert', c.cert, '--tlskey', c.key];
    };
    const buildctl = (args: string[], tls: 'client' | 'ca-only' | 'foreign' | 'none' = 'client') => {
      const r = spawnSync(bk.buildctl, ['--addr', addr, ...tlsArgs(tls), ...args], { encoding: 'utf8', timeout: 60_000 });
      return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
    };
    const cacheRecords = () => {
      const r = buildctl(['du', '--format', '{{json .}}']);
      if (r.status !== 0) throw new Error(`buildctl du on ${addr} failed:\n${r.output}`);
      return (JSON.parse(r.output) ?? []) as { description?: string; size: number }[];
    };
    const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');

    say(`starting BuildKit ${bk.version} on ${addr}${certs ? ' (mutual TLS)' : ''}, state ${join(dir, 'root')}`);
    const fd = openSync(logFile, 'w');
    child = spawn(bk.buildkitd, ['--config', toml], {
      env: { ...process.env, PATH: `${process.env['PATH'] ?? ''}:/usr/local/sbin:/usr/sbin:/sbin` },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const started = Date.now();
    while (buildctl(['debug', 'workers']).status !== 0) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`buildkitd exited (${child.exitCode ?? child.signalCode}):\n${log().slice(-4000)}`);
      if (Date.now() - started > 60_000) throw new Error(`buildkitd did not answer on ${addr} within 60 s:\n${log().slice(-4000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }

    const driverOpts = certs ? ['--driver-opt', `cacert=${certs.client.ca},cert=${certs.client.cert},key=${certs.client.key}`] : [];
    // No --use: the machine's current builder is global state; tests select this one by name.
    const created = spawnSync('docker', ['buildx', 'create', '--name', builder, '--driver', 'remote', ...driverOpts, addr], { encoding: 'utf8' });
    if (created.status !== 0) throw new Error(`docker buildx create ${builder} failed:\n${created.stdout}${created.stderr}`);
    registered = true;
    const inspect = spawnSync('docker', ['buildx', 'inspect', '--bootstrap', builder], { encoding: 'utf8', timeout: 60_000 });
    if (inspect.status !== 0 || !/Status:\s*running/.test(inspect.stdout)) {
      throw new Error(`buildx builder ${builder} does not reach ${addr}:\n${inspect.stdout}${inspect.stderr}`);
    }
    say(`buildx builder "${builder}" (remote driver, ${addr}) is up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { builder, addr, tls: certs?.client, buildctl, cacheRecords, log, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
