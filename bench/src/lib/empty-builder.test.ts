import { dockerBuildLines } from './empty-builder';

describe('dockerBuildLines', () => {
  it("reads docker-build's own time and digest per project, Nx's prefix or not", () => {
    const d = 'sha256:' + 'ab'.repeat(32);
    const out = [
      'api: docker-build: api → 127.0.0.1:5000/ns/slipway-api:{abc1234,nx-1} (linux/amd64, push) on builder x',
      `api: docker-build: api built in 12.3 s: ${d} (12.9 MB compressed); wrote dist/images/api/metadata.json`,
      `docker-build: web built in 40 s: ${d.replace('ab', 'cd')} (60.0 MB compressed); wrote …`,
      'docker-build: cache built in soon',
    ].join('\n');
    expect(dockerBuildLines(out)).toEqual({ api: { seconds: 12.3, digest: d }, web: { seconds: 40, digest: d.replace('ab', 'cd') } });
  });
});
