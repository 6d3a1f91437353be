import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLine, dotEnv, nxRecord } from './run';

describe('commandLine', () => {
  it('quotes only the arguments a shell would split or expand', () => {
    expect(commandLine('docker', ['buildx', 'build', '--build-arg', 'VERSION=abc1234', '--cache-to', 'type=registry,ref=127.0.0.1:5000/ns/slipway-api:buildcache,mode=max'])).toBe(
      'docker buildx build --build-arg VERSION=abc1234 --cache-to type=registry,ref=127.0.0.1:5000/ns/slipway-api:buildcache,mode=max',
    );
    expect(commandLine('sh', ['-c', "echo 'hi' $HOME"])).toBe(`sh -c 'echo '\\''hi'\\'' $HOME'`);
    expect(commandLine('echo', [''])).toBe("echo ''");
  });
});

describe('dotEnv and nxRecord', () => {
  it("record the Nx binary called directly, the variables set and the workspace's .env", () => {
    const root = mkdtempSync(join(tmpdir(), 'bench-run-'));
    try {
      expect(dotEnv(root)).toEqual({});
      writeFileSync(join(root, '.env'), '# Nx loads this\nNX_ISOLATE_PLUGINS=false\nexport QUOTED="a b"\n\nnot a line\n');
      expect(dotEnv(root)).toEqual({ NX_ISOLATE_PLUGINS: 'false', QUOTED: 'a b' });
      const r = nxRecord(root, ['affected', '-t', 'docker-build'], { REGISTRY: 'x' });
      expect(r.command).toBe('node_modules/.bin/nx affected -t docker-build');
      expect(r.env).toMatchObject({ NX_DAEMON: 'false', NX_CACHE_DIRECTORY: join(root, '.nx', 'cache'), REGISTRY: 'x' });
      expect(r.dotEnv).toEqual({ NX_ISOLATE_PLUGINS: 'false', QUOTED: 'a b' });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
