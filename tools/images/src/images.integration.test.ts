// The images, built for real: through Nx and BuildKit, inspected, run, and
// rebuilt only when their inputs change. Needs a Docker engine with buildx
// (bash tools/image-harness/up.sh provides one on a machine without Docker).
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMetadata, metadataPath, type ImageMetadata } from './build/metadata';
import type { SizeReport } from './size-report';
import { fetchWhenUp } from '@slipway/testing/src/processes';
import { dockerAvailable } from '@slipway/testing/src/docker-available';
import { ranProjects, cachedProjects, nestedNxEnv, runNx } from '@slipway/testing/src/nx-runner';
import { copyWorkspace, type WorkspaceCopy } from '@slipway/testing/src/workspace-copy';

const CANARY = `slipway-canary-${Date.now()}`;
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024 }).trim();

function hostPort(container: string): string {
  const line = docker('port', container, '8080/tcp').split('\n')[0] ?? '';
  return line.replace('0.0.0.0', '127.0.0.1');
}

describe.skipIf(!dockerAvailable())('images', () => {
  let ws: WorkspaceCopy;
  let first: { output: string; status: number | null };
  const meta: Record<string, ImageMetadata> = {};
  const img = (project: string): ImageMetadata => {
    const m = meta[project];
    if (!m) throw new Error(`no metadata for ${project}`);
    return m;
  };
  const containers: string[] = [];
  let network = '';

  beforeAll(() => {
    ws = copyWorkspace('slipway-images-');
    // Secrets a careless context would carry into an image.
    writeFileSync(join(ws.root, '.env'), `TOKEN=${CANARY}\n`);
    writeFileSync(join(ws.root, 'apps/web/.env.local'), `VITE_SECRET=${CANARY}\n`);
    writeFileSync(join(ws.root, 'deploy.key'), `${CANARY}\n`);
    writeFileSync(join(ws.root, 'go/.env'), `TOKEN=${CANARY}\n`);
    writeFileSync(join(ws.root, 'go/apps/api/server.pem'), `${CANARY}\n`);
    writeFileSync(join(ws.root, '.git/canary'), `${CANARY}\n`);
    first = runNx(ws.root, ['run-many', '-t', 'docker-build', '-p', 'web', 'api', '--outputStyle=stream']);
    if (first.status !== 0) throw new Error(`docker-build failed:\n${first.output.slice(-8000)}`);
    for (const p of ['web', 'api']) meta[p] = readMetadata(metadataPath(ws.root, p));
  });

  afterAll(() => {
    for (const c of containers) spawnSync('docker', ['rm', '-f', c], { stdio: 'ignore' });
    if (network) spawnSync('docker', ['network', 'rm', network], { stdio: 'ignore' });
    ws?.remove();
  });

  it('builds both images through Nx and records them in metadata.json', () => {
    expect(ranProjects(first.output)).toEqual(['api', 'web']);
    const head = ws.git('rev-parse', 'HEAD');
    for (const p of ['web', 'api']) {
      const m = img(p);
      expect(m.image).toBe(`slipway-${p}`);
      expect(m.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(m.gitSha).toBe(head);
      expect(m.nxHash).toMatch(/^\d+$/);
      expect(m.tags).toEqual([head.slice(0, 7), `nx-${m.nxHash.slice(0, 20)}`, 'latest']);
      expect(m.sizeBytes).toBeGreaterThan(0);
    }
  });

  it.each(['web', 'api'])('%s is linux/amd64, runs as a non-root user and carries OCI labels', (p) => {
    const m = img(p);
    const cfg = JSON.parse(docker('image', 'inspect', `${m.image}:${m.tags[0]}`))[0];
    expect(`${cfg.Os}/${cfg.Architecture}`).toBe('linux/amd64');
    expect(cfg.Id).toBe(m.configDigest);
    const user: string = cfg.Config.User;
    expect(user).not.toBe('');
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(cfg.Config.Labels['org.opencontainers.image.revision']).toBe(m.gitSha);
    expect(cfg.Config.Labels['org.opencontainers.image.source']).toBeTruthy();
    expect(cfg.Config.Healthcheck.Test.join(' ')).toContain('/healthz');
  });

  it('web carries no node_modules and api carries no Go toolchain', () => {
    const files = (p: string) => docker('run', '--rm', '--entrypoint', 'find', `${img(p).image}:latest`, '/app', '/usr/local/bin');
    expect(files('web')).not.toMatch(/node_modules/);
    expect(files('web')).toMatch(/\/app\/main\.mjs/);
    expect(files('api')).toMatch(/\/usr\/local\/bin\/service/);
    expect(spawnSync('docker', ['run', '--rm', '--entrypoint', 'sh', `${img('api').image}:latest`, '-c', 'command -v go']).status).not.toBe(0);
  });

  it.each([
    ['.', 'the repository root'],
    ['go', 'go/'],
  ])('the ignore file keeps secrets and .git out of the %s context (%s)', (context) => {
    const out = mkdtempSync(join(tmpdir(), 'ctx-'));
    const probe = join(out, 'probe.Dockerfile');
    writeFileSync(probe, 'FROM scratch\nCOPY . /\n');
    execFileSync('docker', ['buildx', 'build', '-q', '-f', probe, '--output', `type=local,dest=${join(out, 'ctx')}`, join(ws.root, context)], { stdio: 'pipe' });
    // The probe really copied the context (so an empty grep means something).
    expect(spawnSync('test', ['-f', join(out, 'ctx', context === '.' ? 'package.json' : 'go.mod')]).status).toBe(0);
    const seen = spawnSync('grep', ['-rl', CANARY, join(out, 'ctx')], { encoding: 'utf8' });
    expect(seen.stdout.trim()).toBe('');
  }, 120_000);

  it.each(['web', 'api'])('the %s image holds no canary secret', (p) => {
    const tar = mkdtempSync(join(tmpdir(), 'img-'));
    execFileSync('docker', ['save', '-o', join(tar, 'image.tar'), `${img(p).image}:latest`]);
    execFileSync('tar', ['-xf', join(tar, 'image.tar'), '-C', tar]);
    const r = spawnSync('grep', ['-rla', CANARY, tar], { encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('');
  });

  it('starts each container and answers /healthz, and Docker reports it healthy', async () => {
    for (const p of ['api', 'web']) {
      const name = `slipway-test-${p}-${process.pid}`;
      containers.push(name);
      docker('run', '-d', '--name', name, '-p', '127.0.0.1::8080', `${img(p).image}:latest`);
      const res = await fetchWhenUp(`http://${hostPort(name)}/healthz`);
      expect(((await res.json()) as { status: string }).status).toBe('ok');
    }
    const deadline = Date.now() + 60_000;
    for (const name of containers) {
      while (docker('inspect', '--format', '{{.State.Health.Status}}', name) !== 'healthy') {
        if (Date.now() > deadline) throw new Error(`${name} never became healthy`);
        await new Promise((r) => setTimeout(r, 1_000));
      }
    }
  });

  it('web serves the app and proxies /api to the api container', async () => {
    network = `slipway-test-${process.pid}`;
    docker('network', 'create', network);
    const api = `slipway-test-api-net-${process.pid}`;
    const web = `slipway-test-web-net-${process.pid}`;
    containers.push(api, web);
    docker('run', '-d', '--name', api, '--network', network, '--network-alias', 'api', '-e', 'API_WRITE_TOKENS=image-test', `${img('api').image}:latest`);
    docker('run', '-d', '--name', web, '--network', network, '-e', 'API_UPSTREAM=http://api:8080', '-p', '127.0.0.1::8080', `${img('web').image}:latest`);
    const base = `http://${hostPort(web)}`;
    const page = await fetchWhenUp(`${base}/`);
    expect(await page.text()).toContain('<div id="root">');
    expect((await fetchWhenUp(`${base}/images/anything`)).headers.get('cache-control')).toBe('no-cache');
    await fetchWhenUp(`${base}/api/v1/images`);
    const post = await fetch(`${base}/api/v1/builds`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer image-test' },
      body: JSON.stringify({
        project: 'web',
        image: 'registry.example/slipway/slipway-web',
        digest: img('web').digest,
        tags: ['1a2b3c4'],
        sizeBytes: img('web').sizeBytes,
        platform: 'linux/amd64',
        gitSha: img('web').gitSha,
        nxHash: img('web').nxHash,
        outcome: 'built',
        durationMs: 1000,
      }),
    });
    expect(post.status, await post.clone().text()).toBe(201);
    const list = (await (await fetch(`${base}/api/v1/images`)).json()) as { images: { image: string; latest: { digest: string } }[] };
    expect(list.images.find((i) => i.image === 'registry.example/slipway/slipway-web')?.latest.digest).toBe(img('web').digest);
  });

  it('image-size measures what api adds over its base and fails over budget', () => {
    const cli = (budget: string) =>
      spawnSync('node', ['-r', './tools/images/src/lib/ts-register.cjs', 'tools/images/src/cli/image-size.ts', '--project', 'api', '--dockerfile', 'go/Dockerfile.multi-stage', '--context', 'go', '--budget', budget], {
        cwd: ws.root,
        encoding: 'utf8',
      });
    const ok = cli('20MB');
    expect(ok.status, ok.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(ws.root, 'dist/images/api/size.json'), 'utf8')) as SizeReport;
    expect(report.base).toBe('alpine:3.22.1');
    expect(report.totalBytes).toBe(report.baseBytes + report.addedBytes);
    expect(report.addedBytes).toBeGreaterThan(1_000_000);
    expect(report.withinBudget).toBe(true);
    expect(ok.stdout).toMatch(/added over base\s+budget 20\.0 MB ok/);
    const over = cli('1KB');
    expect(over.status).toBe(1);
    expect(over.stderr).toMatch(/over its budget of 1000/);
  });

  it('a second docker-build is a cache hit for both and builds nothing', () => {
    const again = runNx(ws.root, ['run-many', '-t', 'docker-build', '-p', 'web', 'api', '--outputStyle=stream']);
    expect(again.status, again.output.slice(-4000)).toBe(0);
    expect(cachedProjects(again.output)).toEqual(['api', 'web']);
    expect(ranProjects(again.output)).toEqual([]);
  });

  it('editing a test file or docs rebuilds no image', () => {
    appendFileSync(join(ws.root, 'go/apps/api/run_test.go'), '\n// touched by the image test\n');
    appendFileSync(join(ws.root, 'apps/web/src/app/app.test.tsx'), '\n// touched by the image test\n');
    appendFileSync(join(ws.root, 'README.md'), '\ntouched by the image test\n');
    ws.commit('tests and docs only');
    const run = runNx(ws.root, ['run-many', '-t', 'docker-build', '-p', 'web', 'api', '--outputStyle=stream']);
    expect(run.status, run.output.slice(-4000)).toBe(0);
    expect(ranProjects(run.output)).toEqual([]);
    expect(cachedProjects(run.output)).toEqual(['api', 'web']);
  });

  it('changing one Go source file rebuilds only api, with its dependency layers from BuildKit', () => {
    const main = join(ws.root, 'go/apps/api/main.go');
    appendFileSync(main, '\n// changed by the image test\nvar _ = "image-test-change"\n');
    ws.commit('change the api');
    const run = runNx(ws.root, ['run-many', '-t', 'docker-build', '-p', 'web', 'api', '--outputStyle=stream']);
    expect(run.status, run.output.slice(-4000)).toBe(0);
    expect(ranProjects(run.output)).toEqual(['api']);
    expect(cachedProjects(run.output)).toEqual(['web']);
    // BuildKit reused the module download and the compiled dependencies: the package list is
    // the same, so only the service's own packages compiled.
    expect(run.output).toMatch(/go mod download[^\n]*\n(?:\S+: )?#\d+ CACHED/);
    expect(run.output).toMatch(/xargs go build < \/packages.txt[^\n]*\n(?:\S+: )?#\d+ CACHED/);
    const after = readMetadata(metadataPath(ws.root, 'api'));
    expect(after.digest).not.toBe(img('api').digest);
    expect(readMetadata(metadataPath(ws.root, 'web')).digest).toBe(img('web').digest);
  });

  it('api, skipped by Nx after a go.sum change it does not link, builds the same digest when forced to, with the same build arguments', () => {
    const skipped = readMetadata(metadataPath(ws.root, 'api'));
    // A go.sum line for a module version no service builds with (real checksum). The
    // Dockerfile copies go.sum whole; the docker-build hash takes only the lines of the
    // module versions api links.
    appendFileSync(join(ws.root, 'go/go.sum'), 'golang.org/x/text v0.3.0/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n');
    const head = ws.commit('go.sum: a line for a version no service builds with');
    const run = runNx(ws.root, ['run-many', '-t', 'docker-build', '-p', 'api', '--outputStyle=stream']);
    expect(run.status, run.output.slice(-4000)).toBe(0);
    expect(cachedProjects(run.output)).toEqual(['api']);
    // Forced: the docker-build script without Nx and without BuildKit's layer cache, at the
    // new commit, with the skipped build's VERSION and REVISION (git gives them by default).
    const forced = spawnSync(
      'node',
      [
        '-r', './tools/images/src/lib/ts-register.cjs', 'tools/images/src/cli/docker-build.ts',
        '--project', 'api', '--dockerfile', 'go/Dockerfile.multi-stage', '--context', 'go',
        '--build-arg', 'SERVICE=api', '--build-arg', `VERSION=${skipped.gitSha.slice(0, 7)}`, '--build-arg', `REVISION=${skipped.gitSha}`,
        '--no-cache',
      ],
      { cwd: ws.root, env: nestedNxEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const output = `${forced.stdout}\n${forced.stderr}`;
    expect(forced.status, output.slice(-4000)).toBe(0);
    // It really built: the module download and the compile ran again over the new go.sum.
    expect(output).toMatch(/go mod download && go mod verify/);
    expect(output).not.toMatch(/go build -ldflags[^\n]*\n(?:\S+: )?#\d+ CACHED/);
    const rebuilt = readMetadata(metadataPath(ws.root, 'api'));
    expect(rebuilt.gitSha).toBe(head);
    expect(head).not.toBe(skipped.gitSha);
    expect(rebuilt.digest).toBe(skipped.digest);
  });
});
