// docker-build runs on the builder BUILDX_BUILDER selects, says which, and refuses
// one too old for the Dockerfiles before it builds anything. Needs a Docker engine
// with buildx (bash tools/image-harness/up.sh): its docker driver ("default") runs
// the engine's old BuildKit, the harness's "slipway" builder a current one.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { dockerAvailable, HARNESS_BUILDER } from '@slipway/testing/src/docker-available';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';

const haveDocker = dockerAvailable();

function cli(script: string, args: string[], env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ['-r', join(workspaceRoot, 'tools/images/src/lib/ts-register.cjs'), join(workspaceRoot, 'tools/images/src/cli', script), ...args], {
    cwd: workspaceRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
}

function currentBuilder(): string {
  return spawnSync('docker', ['buildx', 'inspect'], { encoding: 'utf8' }).stdout.match(/^Name:\s*(\S+)/m)?.[1] ?? '';
}

describe.skipIf(!haveDocker)('the buildx builder of docker-build', () => {
  const api = ['--project', 'api', '--dockerfile', 'go/Dockerfile.multi-stage', '--context', 'go', '--build-arg', 'SERVICE=api'];

  it('refuses the docker driver\'s old BuildKit, naming the builder and the fix, and builds nothing', () => {
    const before = currentBuilder();
    const r = cli('docker-build.ts', api, { BUILDX_BUILDER: 'default', SLIPWAY_IMAGE_MODE: 'local' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/buildx builder "default" \(docker driver\) runs BuildKit v0\.\d+/);
    expect(r.stderr).toMatch(/BUILDX_BUILDER=/);
    expect(r.stdout).not.toMatch(/docker-build: api →/);
    expect(currentBuilder()).toBe(before);
  });

  it('names an unknown builder instead of falling back to another', () => {
    const r = cli('docker-build.ts', api, { BUILDX_BUILDER: 'no-such-builder', SLIPWAY_IMAGE_MODE: 'local' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/buildx builder "no-such-builder" \(BUILDX_BUILDER\) is not usable/);
  });

  it('runs on the selected builder and says so', () => {
    const r = cli('docker-lint.ts', ['--dockerfile', 'go/Dockerfile.multi-stage', '--context', 'go', '--build-arg', 'SERVICE=api'], {
      BUILDX_BUILDER: HARNESS_BUILDER,
    });
    expect(r.stderr + r.stdout).toMatch(new RegExp(`passes BuildKit's checks \\(buildx builder "${HARNESS_BUILDER}" \\(remote driver, BuildKit v0\\.\\d+`));
    expect(r.status).toBe(0);
  });
});
