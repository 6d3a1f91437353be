// docker-publish as a process: what it refuses, with the fix in the message,
// before it pushes anything. The paths that push (built, reused, a missing
// image rebuilt) run against the real registry in the CI rehearsal
// (tools/ci/src/rehearse.integration.test.ts), whose api builds serve them all.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { dockerAvailable } from '@slipway/testing/src/docker-available';
import { freePort } from '@slipway/testing/src/processes';
import { metadataPath, writeMetadata, type ImageMetadata } from './build/metadata';

const cliPath = resolve(__dirname, 'cli/docker-publish.ts');
const args = ['--project', 'api', '--dockerfile', 'go/Dockerfile.multi-stage', '--context', 'go', '--build-arg', 'SERVICE=api'];

const meta = (image: string, mode: 'local' | 'push'): ImageMetadata => ({
  project: 'api',
  image,
  tags: ['1a2b3c4'],
  digest: `sha256:${'1'.repeat(64)}`,
  configDigest: `sha256:${'2'.repeat(64)}`,
  platform: 'linux/amd64',
  sizeBytes: 1,
  sizeKind: mode === 'push' ? 'compressed' : 'uncompressed',
  nxHash: '1',
  gitSha: '1a2b3c4',
  mode,
  dockerfile: 'go/Dockerfile.multi-stage',
  builtAt: '2026-01-01T00:00:00.000Z',
});

describe.skipIf(!dockerAvailable())('docker-publish refusals', () => {
  let dir = '';
  const publish = (env: Record<string, string>) => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(GITHUB_|NX_|SLIPWAY_|LEDGER_|REGISTRY$)/.test(k)));
    const r = spawnSync('node', ['-r', require.resolve('./lib/ts-register.cjs'), cliPath, ...args], { cwd: dir, env: { ...clean, ...env }, encoding: 'utf8' });
    return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'slipway-publish-'));
    const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t.invalid', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t.invalid' } });
    git('init', '-q', '-b', 'main');
    git('commit', '-q', '--allow-empty', '-m', 'empty');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['local mode', {}, /docker-publish pushes to a registry: set SLIPWAY_IMAGE_MODE=push and REGISTRY/],
    ['push mode without a registry', { SLIPWAY_IMAGE_MODE: 'push' }, /SLIPWAY_IMAGE_MODE=push needs REGISTRY/],
    ['a ledger URL without a token', { SLIPWAY_IMAGE_MODE: 'push', REGISTRY: '127.0.0.1:5000/ns', LEDGER_URL: 'http://127.0.0.1:9' }, /LEDGER_URL is set but LEDGER_TOKEN is not/],
    ['no docker-build before it', { SLIPWAY_IMAGE_MODE: 'push', REGISTRY: '127.0.0.1:5000/ns' }, /metadata.json does not exist: run docker-build/],
  ])('%s: exit 1 with the fix', (_why, env, message) => {
    const r = publish(env);
    expect(r.status).toBe(1);
    expect(r.output).toMatch(message);
  });

  it('metadata of a local build: refused, it names both images', () => {
    writeMetadata(metadataPath(dir, 'api'), meta('slipway-api', 'local'));
    const r = publish({ SLIPWAY_IMAGE_MODE: 'push', REGISTRY: '127.0.0.1:5000/ns' });
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/describes slipway-api \(local\), not 127\.0\.0\.1:5000\/ns\/slipway-api: run docker-build with the same SLIPWAY_IMAGE_MODE and REGISTRY/);
  });

  it('a registry that does not answer: refused, not taken for a missing image (no rebuild)', async () => {
    // A free port: nothing listens there.
    const host = `127.0.0.1:${await freePort()}`;
    writeMetadata(metadataPath(dir, 'api'), meta(`${host}/ns/slipway-api`, 'push'));
    const r = publish({ SLIPWAY_IMAGE_MODE: 'push', REGISTRY: `${host}/ns` });
    expect(r.status).toBe(1);
    expect(r.output).toMatch(/cannot tell whether the image is in the registry: .*ECONNREFUSED/);
    expect(r.output).not.toMatch(/rebuilding/);
  });
});
