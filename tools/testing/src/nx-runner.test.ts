import { cachedProjects, ranProjects } from './nx-runner';

describe('ranProjects and cachedProjects', () => {
  it('read Nx task headers, with the project prefix of parallel runs and the GitHub Actions group of cached tasks', () => {
    const output = [
      '> nx run web:docker-deps',
      'api: > nx run api:docker-build',
      '::group::⏩ > nx run cache:docker-build  [remote cache]',
      'web: > nx run web:docker-build  [local cache]',
      '> nx run api:docker-publish',
    ].join('\n');
    expect(ranProjects(output)).toEqual(['api']);
    expect(cachedProjects(output)).toEqual(['cache', 'web']);
    expect(ranProjects(output, 'docker-publish')).toEqual(['api']);
  });
});
