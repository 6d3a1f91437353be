import { buildxArgs } from './buildx-args';

const base = {
  dockerfile: 'go/Dockerfile.multi-stage',
  context: 'go',
  repository: 'slipway-api',
  tags: ['1a2b3c4', 'latest'],
  buildArgs: { SERVICE: 'api' },
  metadataFile: '/tmp/m.json',
};

describe('buildxArgs', () => {
  it('builds for linux/amd64 and loads into the engine locally', () => {
    const args = buildxArgs({ ...base, dest: { mode: 'local', registry: '' } });
    expect(args.slice(0, 4)).toEqual(['buildx', 'build', '--platform', 'linux/amd64']);
    expect(args).toContain('SERVICE=api');
    expect(args.filter((a) => a.startsWith('slipway-api:'))).toEqual(['slipway-api:1a2b3c4', 'slipway-api:latest']);
    expect(args[args.indexOf('--output') + 1]).toBe('type=docker,rewrite-timestamp=true');
    expect(args.at(-1)).toBe('go');
    expect(args).not.toContain('--no-cache');
  });

  it('pushes to the registry in push mode and can skip the cache', () => {
    const args = buildxArgs({ ...base, dest: { mode: 'push', registry: 'localhost:5000' }, noCache: true });
    expect(args[args.indexOf('--output') + 1]).toBe('type=image,push=true,rewrite-timestamp=true');
    expect(args).toContain('--no-cache');
  });

  it('names the builder when one is given, and leaves buildx to choose otherwise', () => {
    const named = buildxArgs({ ...base, dest: { mode: 'local', registry: '' }, builder: 'slipway' });
    expect(named[named.indexOf('--builder') + 1]).toBe('slipway');
    expect(buildxArgs({ ...base, dest: { mode: 'local', registry: '' } })).not.toContain('--builder');
  });
});
