import { buildDestination, imageDestination, imageRepository, imageTags, previewDestination } from './mode';

describe('imageDestination', () => {
  it.each([
    [{}, { mode: 'local', registry: '' }],
    [{ SLIPWAY_IMAGE_MODE: 'local', REGISTRY: 'localhost:5000/x' }, { mode: 'local', registry: '' }],
    [{ SLIPWAY_IMAGE_MODE: 'push', REGISTRY: 'rg.fr-par.scw.cloud/team/' }, { mode: 'push', registry: 'rg.fr-par.scw.cloud/team' }],
  ])('reads %j', (env, want) => {
    expect(imageDestination(env)).toEqual(want);
  });

  it.each([
    [{ SLIPWAY_IMAGE_MODE: 'ci' }, /must be "local" or "push"/],
    [{ SLIPWAY_IMAGE_MODE: 'push' }, /needs REGISTRY/],
    [{ SLIPWAY_IMAGE_MODE: 'push', REGISTRY: 'https://Reg.example' }, /not a registry host/],
  ])('refuses %j with the fix in the message', (env, message) => {
    expect(() => imageDestination(env)).toThrow(message);
  });
});

describe('imageRepository and imageTags', () => {
  const local = { mode: 'local', registry: '' } as const;
  const push = { mode: 'push', registry: 'localhost:5000/slipway' } as const;

  it('names images slipway-<project>, under the registry when pushing', () => {
    expect(imageRepository('api', local)).toBe('slipway-api');
    expect(imageRepository('api', push)).toBe('localhost:5000/slipway/slipway-api');
  });

  it('tags with the commit and the Nx hash, and latest only locally', () => {
    expect(imageTags('1a2b3c4', '1234567890123456789012345', local)).toEqual(['1a2b3c4', 'nx-12345678901234567890', 'latest']);
    expect(imageTags('1a2b3c4', '99', push)).toEqual(['1a2b3c4', 'nx-99']);
    expect(imageTags('unknown', '', push)).toEqual([]);
  });
});

describe('previewDestination and buildDestination', () => {
  const push = { SLIPWAY_IMAGE_MODE: 'push', REGISTRY: 'rg.fr-par.scw.cloud/slipway' };

  it('builds into the preview registry when it is set in push mode, else into REGISTRY or the engine', () => {
    const pr = { ...push, SLIPWAY_PREVIEW_REGISTRY: 'rg.fr-par.scw.cloud/slipway-preview/' };
    expect(previewDestination(pr)).toEqual({ mode: 'push', registry: 'rg.fr-par.scw.cloud/slipway-preview' });
    expect(buildDestination(pr)).toEqual({ mode: 'push', registry: 'rg.fr-par.scw.cloud/slipway-preview' });
    expect(buildDestination(push)).toEqual({ mode: 'push', registry: 'rg.fr-par.scw.cloud/slipway' });
    expect(buildDestination({ ...push, SLIPWAY_PREVIEW_REGISTRY: '' })).toEqual({ mode: 'push', registry: 'rg.fr-par.scw.cloud/slipway' });
    expect(buildDestination({ SLIPWAY_PREVIEW_REGISTRY: 'localhost:5000/p' })).toEqual({ mode: 'local', registry: '' });
  });

  it.each([
    ['unset repository variables (CI gives "/")', '/', /SLIPWAY_PREVIEW_REGISTRY "\/" is not a registry host.*PREVIEW_REGISTRY_HOST and PREVIEW_REGISTRY_NAMESPACE/],
    ['the release namespace itself', 'rg.fr-par.scw.cloud/slipway', /must be another one/],
  ])('refuses %s', (_why, value, message) => {
    expect(() => buildDestination({ ...push, SLIPWAY_PREVIEW_REGISTRY: value })).toThrow(message);
  });
});
