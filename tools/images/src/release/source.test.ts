import { nxLocalImageName, parseNxDockerVersion, releaseSource } from './source';

describe('releaseSource', () => {
  it.each([
    [{ REGISTRY: 'rg.fr-par.scw.cloud/slipway' }, { image: 'rg.fr-par.scw.cloud/slipway/slipway-api', from: 'main' }],
    [{ REGISTRY: '127.0.0.1:5000/ns/', SLIPWAY_RELEASE_FROM: 'a1b2c3d' }, { image: '127.0.0.1:5000/ns/slipway-api', from: 'a1b2c3d' }],
  ])('%j → %j', (env, want) => {
    expect(releaseSource('api', env)).toEqual({ project: 'api', ...want });
  });

  it.each([
    [{}, /needs REGISTRY/],
    [{ REGISTRY: 'r.example/ns', SLIPWAY_PREVIEW_REGISTRY: 'r.example/preview' }, /release registry \(REGISTRY\) only/],
    [{ REGISTRY: 'r.example/ns', SLIPWAY_RELEASE_FROM: 'main;rm' }, /is not an image tag/],
  ])('refuses %j', (env, err) => {
    expect(() => releaseSource('api', env)).toThrow(err);
  });
});

describe('nxLocalImageName', () => {
  it.each([
    ['go/apps/api', 'go-apps-api'],
    ['apps/web', 'apps-web'],
    ['/Apps/My Web', 'apps-my-web'],
  ])('%s → %s', (root, want) => expect(nxLocalImageName(root)).toBe(want));
});

describe('parseNxDockerVersion', () => {
  it.each([
    ['slipway-api:2607.14.abc1234\n', '2607.14.abc1234'],
    ['rg.fr-par.scw.cloud/slipway/slipway-api:1.2.0', '1.2.0'],
    ['127.0.0.1:5000/ns/slipway-api:2607.14.abc1234', '2607.14.abc1234'],
  ])('%j → %s', (ref, want) => expect(parseNxDockerVersion(ref, 'slipway-api')).toBe(want));

  it.each([
    ['slipway-api', /is not <repository>:<version>/],
    ['slipway-api@sha256:abc', /is not <repository>:<version>/],
    ['slipway-api:bad tag', /is not <repository>:<version>/],
    ['slipway-web:2607.14.abc1234', /is not an image of slipway-api/],
  ])('refuses %j', (ref, err) => expect(() => parseNxDockerVersion(ref, 'slipway-api')).toThrow(err));
});
