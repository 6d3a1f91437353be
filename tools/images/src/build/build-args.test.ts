import { imageBuildArgs } from './build-args';

const sha = '0123456789abcdef0123456789abcdef01234567';

describe('imageBuildArgs', () => {
  it.each([
    [[], sha, {}, { VERSION: '0123456', REVISION: sha, SOURCE_DATE_EPOCH: '0' }],
    [['SERVICE=api', 'X=a=b'], sha, { IMAGE_SOURCE_URL: 'https://example.com/s' }, { VERSION: '0123456', REVISION: sha, SOURCE_DATE_EPOCH: '0', SOURCE: 'https://example.com/s', SERVICE: 'api', X: 'a=b' }],
    [[], 'unknown', {}, { VERSION: 'dev', REVISION: 'unknown', SOURCE_DATE_EPOCH: '0' }],
  ])('%j at %s', (pairs, gitSha, env, want) => {
    expect(imageBuildArgs(pairs, gitSha, env)).toEqual(want);
  });

  it('refuses a pair without a key', () => {
    expect(() => imageBuildArgs(['=x'], sha, {})).toThrow('--build-arg "=x" is not KEY=VALUE');
  });
});
