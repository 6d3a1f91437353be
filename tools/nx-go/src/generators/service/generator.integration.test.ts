// A service from the generator is wired in with no further edit: in a throwaway copy of
// the repository, `nx g @slipway/nx-go:service` adds one, and then Nx infers its Go and
// image targets (its size budget the default one), its Go tests pass through Nx, the CI
// plan puts it in the images matrix, `nx run <name>:docker-build` builds its image
// (linux/amd64, answering /healthz), and the affected graph lists it alone for a change
// to its main, and with the library's other dependents for a change to a library it
// imports. Needs a Docker engine with buildx (bash tools/image-harness/up.sh).
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fetchWhenUp } from '@slipway/testing/src/processes';
import { dockerAvailable, HARNESS_BUILDER } from '@slipway/testing/src/docker-available';
import { nestedNxEnv, ranProjects, runNx } from '@slipway/testing/src/nx-runner';
import { copyWorkspace, type WorkspaceCopy } from '@slipway/testing/src/workspace-copy';

const NAME = 'probe';
const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).trim();

/** The images plugin's options in nx.json: its default budget is the one a new service gets. */
function defaultBudget(root: string): string {
  const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')) as { plugins: ({ plugin: string; options?: { defaultBudget?: string } } | string)[] };
  const images = nxJson.plugins.find((p) => typeof p === 'object' && p.options?.defaultBudget !== undefined);
  if (typeof images !== 'object' || !images.options?.defaultBudget) throw new Error('nx.json sets no defaultBudget for the images plugin');
  return images.options.defaultBudget;
}

describe.skipIf(!dockerAvailable())('a Go service from the generator', () => {
  let ws: WorkspaceCopy;
  /** The copy before the service, and with it. */
  let base = '';
  let generated = '';
  const containers: string[] = [];
  // The harness's builder unless the caller chose one (dockerAvailable selects it when it exists).
  const env = (): Record<string, string> => ({ BUILDX_BUILDER: process.env['BUILDX_BUILDER'] || HARNESS_BUILDER });

  function nx(args: string[]): string {
    const r = runNx(ws.root, args, env());
    if (r.status !== 0) throw new Error(`nx ${args.join(' ')} failed:\n${r.output.slice(-8000)}`);
    return r.output;
  }

  /** `nx show projects --affected --json` from `from` to a commit that appends a comment to `file`, sorted. */
  function affectedByEdit(from: string, file: string): string[] {
    ws.git('checkout', '-q', '-f', '-B', 'edit', from);
    appendFileSync(join(ws.root, file), '\n// changed by the service generator test\n');
    const head = ws.commit(`change ${file}`);
    const args = ['nx', 'show', 'projects', '--affected', `--base=${from}`, `--head=${head}`, '--json'];
    const r = spawnSync('npx', args, { cwd: ws.root, env: nestedNxEnv(env()), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`npx ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
    const json = r.stdout.split('\n').find((l) => l.trim().startsWith('['));
    if (!json) throw new Error(`no JSON from npx ${args.join(' ')}:\n${r.stdout}`);
    return (JSON.parse(json) as string[]).sort();
  }

  beforeAll(() => {
    ws = copyWorkspace('slipway-service-generator-');
    base = ws.git('rev-parse', 'HEAD');
    nx(['g', '@slipway/nx-go:service', NAME, '--no-interactive']);
    generated = ws.commit(`add the ${NAME} service`);
  }, 300_000);

  afterAll(() => {
    for (const c of containers) spawnSync('docker', ['rm', '-f', c], { stdio: 'ignore' });
    ws?.remove();
  }, 120_000);

  it('writes the service and nothing else', () => {
    const files = ws.git('diff', '--name-only', base, generated).split('\n').filter(Boolean);
    expect(files.filter((f) => !f.startsWith(`go/apps/${NAME}/`))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining([`go/apps/${NAME}/main.go`, `go/apps/${NAME}/run.go`, `go/apps/${NAME}/run_test.go`]));
  });

  it('gets its Go and image targets by inference, with the default size budget', () => {
    const out = nx(['show', 'project', NAME, '--json']);
    const project = JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as {
      root: string;
      targets: Record<string, { options?: { command?: string } }>;
    };
    expect(project.root).toBe(`go/apps/${NAME}`);
    expect(Object.keys(project.targets)).toEqual(
      expect.arrayContaining(['build', 'test', 'lint', 'serve', 'docker-build', 'docker-publish', 'docker-run', 'image-size', 'docker-lint']),
    );
    const build = project.targets['docker-build']?.options?.command ?? '';
    expect(build).toContain('--dockerfile go/Dockerfile.multi-stage');
    expect(build).toContain(`--build-arg SERVICE=${NAME}`);
    expect(project.targets['image-size']?.options?.command ?? '').toContain(`--budget ${defaultBudget(ws.root)}`);
  }, 300_000);

  it('passes its own Go tests and lint through Nx', () => {
    const out = nx(['run-many', '-t', 'test', 'lint', '-p', NAME, '--outputStyle=stream']);
    expect(ranProjects(out, 'test')).toEqual([NAME]);
    expect(out).toContain(`apps/${NAME}/internal/server`);
  }, 600_000);

  it('is in the images matrix of the CI plan for the commit that adds it', () => {
    const r = spawnSync('node', ['-r', '@swc-node/register', 'tools/ci/src/cli/plan.ts'], {
      cwd: ws.root,
      env: { ...nestedNxEnv(env()), NX_BASE: base, NX_HEAD: generated, GITHUB_OUTPUT: '' },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`matrix=${JSON.stringify({ include: [{ project: NAME }] })}\n`);
  }, 600_000);

  it('builds its image with nx run <name>:docker-build: linux/amd64, non-root, answering /healthz', async () => {
    ws.git('checkout', '-q', '-f', '-B', 'main', generated);
    nx(['run', `${NAME}:docker-build`, '--outputStyle=stream']);
    const meta = JSON.parse(readFileSync(join(ws.root, 'dist/images', NAME, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    expect(meta).toMatchObject({ project: NAME, image: `slipway-${NAME}`, platform: 'linux/amd64', dockerfile: 'go/Dockerfile.multi-stage', gitSha: generated });
    expect(meta['digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(meta['configDigest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The image as the engine holds it (local mode loads it): its ID.
    const ref = String(meta['configDigest']);
    const config = JSON.parse(docker('image', 'inspect', ref, '--format', '{{json .}}')) as {
      Architecture: string;
      Os: string;
      Config: { User: string; Healthcheck?: { Test: string[] }; Labels: Record<string, string> };
    };
    expect([config.Os, config.Architecture]).toEqual(['linux', 'amd64']);
    expect(config.Config.User).toBe('65532:65532');
    expect(config.Config.Healthcheck?.Test.join(' ')).toContain('http://127.0.0.1:8080/healthz');
    expect(config.Config.Labels['org.opencontainers.image.title']).toBe(`slipway-${NAME}`);

    const container = docker('run', '-d', '--rm', '-p', '127.0.0.1::8080', ref);
    containers.push(container);
    const port = docker('port', container, '8080/tcp').split('\n')[0] ?? '';
    const res = await fetchWhenUp(`http://${port.replace('0.0.0.0', '127.0.0.1')}/healthz`);
    const health = (await res.json()) as { status: string; version: string };
    expect(health.status).toBe('ok');
    // docker-build stamps the binary with the short commit (main.version).
    expect(health.version).toBe(generated.slice(0, 7));
  }, 900_000);

  it('is the only project a change to its main affects', () => {
    expect(affectedByEdit(generated, `go/apps/${NAME}/main.go`)).toEqual([NAME]);
  }, 300_000);

  it("is affected by a change to a library it imports, with the library's other dependents", () => {
    const lib = 'go/libs/httpx/doc.go';
    const before = affectedByEdit(base, lib);
    const after = affectedByEdit(generated, lib);
    expect(before).toEqual(expect.arrayContaining(['go-httpx', 'api', 'cache']));
    expect(before).not.toContain(NAME);
    expect(after).toEqual([...before, NAME].sort());
  }, 600_000);
});
