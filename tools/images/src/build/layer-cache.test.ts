import { buildxArgs } from './buildx-args';
import { layerCache, layerCacheArgs } from './layer-cache';

const main = { SLIPWAY_IMAGE_MODE: 'push', REGISTRY: 'rg.fr-par.scw.cloud/slipway/' };

describe('layerCache', () => {
  it.each([
    [{}, undefined],
    [{ SLIPWAY_LAYER_CACHE: 'off', ...main }, undefined],
    [{ SLIPWAY_LAYER_CACHE: 'read', ...main }, { mode: 'read', ref: 'rg.fr-par.scw.cloud/slipway/slipway-api:buildcache' }],
    [{ SLIPWAY_LAYER_CACHE: 'readwrite', ...main }, { mode: 'readwrite', ref: 'rg.fr-par.scw.cloud/slipway/slipway-api:buildcache' }],
    // A local build may read main's layers too (opt-in), from the same reference.
    [{ SLIPWAY_LAYER_CACHE: 'read', REGISTRY: 'localhost:5000/slipway' }, { mode: 'read', ref: 'localhost:5000/slipway/slipway-api:buildcache' }],
  ])('%j → %j', (env, want) => {
    expect(layerCache('api', env)).toEqual(want);
  });

  it("reads main's cache in a pull request, never the preview namespace's", () => {
    const pr = { ...main, SLIPWAY_PREVIEW_REGISTRY: 'rg.fr-par.scw.cloud/slipway-preview', SLIPWAY_LAYER_CACHE: 'read' };
    expect(layerCache('web', pr)?.ref).toBe('rg.fr-par.scw.cloud/slipway/slipway-web:buildcache');
  });

  it.each([
    [{ SLIPWAY_LAYER_CACHE: 'yes', ...main }, 'must be "off", "read" or "readwrite"'],
    [{ SLIPWAY_LAYER_CACHE: 'read' }, 'needs REGISTRY'],
    [{ SLIPWAY_LAYER_CACHE: 'readwrite', ...main, SLIPWAY_PREVIEW_REGISTRY: 'rg.fr-par.scw.cloud/slipway-preview' }, 'never writes it'],
    [{ SLIPWAY_LAYER_CACHE: 'read', REGISTRY: 'Not A Registry' }, 'is not a registry host'],
  ])('refuses %j', (env, message) => {
    expect(() => layerCache('api', env)).toThrow(message);
  });
});

describe('layerCacheArgs', () => {
  const ref = 'localhost:5000/slipway/slipway-api:buildcache';

  it('reads only in read mode', () => {
    expect(layerCacheArgs({ mode: 'read', ref })).toEqual(['--cache-from', `type=registry,ref=${ref}`]);
  });

  it('writes every stage, zstd-compressed, with OCI media types in readwrite mode', () => {
    const args = layerCacheArgs({ mode: 'readwrite', ref });
    expect(args.slice(0, 2)).toEqual(['--cache-from', `type=registry,ref=${ref}`]);
    expect(args[3]).toBe(`type=registry,ref=${ref},mode=max,oci-mediatypes=true,image-manifest=true,compression=zstd,ignore-error=true`);
  });

  it('reaches buildx before the context, and not at all when off', () => {
    const req = {
      dockerfile: 'go/Dockerfile.multi-stage',
      context: 'go',
      repository: 'slipway-api',
      tags: ['1a2b3c4'],
      buildArgs: {},
      dest: { mode: 'push' as const, registry: 'localhost:5000/slipway' },
      metadataFile: '/tmp/m.json',
    };
    const args = buildxArgs({ ...req, layerCache: { mode: 'read', ref } });
    expect(args[args.indexOf('--cache-from') + 1]).toBe(`type=registry,ref=${ref}`);
    expect(args.at(-1)).toBe('go');
    expect(buildxArgs(req)).not.toContain('--cache-from');
  });
});
