import { stepCached } from './buildkit-log';

const log = (npmCi: string) =>
  [
    '#5 [builder 3/9] COPY dist/docker/web/package.json dist/docker/web/package-lock.json .npmrc ./',
    '#5 CACHED',
    '',
    '#7 [builder 5/9] RUN --mount=type=cache,target=/root/.npm,sharing=locked     npm ci --ignore-scripts --no-audit --no-fund',
    npmCi,
    '',
    '#9 [builder 7/9] RUN npx vite build && npx vite build -c vite.server.config.ts',
    '#9 0.512 vite v8.3.8 building for production...',
    '#9 DONE 41.2s',
  ].join('\n');

describe('stepCached', () => {
  it('is true when the matching step was a cache hit', () => {
    expect(stepCached(log('#7 CACHED'), /npm ci/)).toBe(true);
  });

  it('is false when the matching step ran', () => {
    expect(stepCached(log('#7 0.301 added 212 packages\n#7 DONE 20.1s'), /npm ci/)).toBe(false);
    expect(stepCached(log('#7 CACHED'), /vite build/)).toBe(false);
  });

  it('reads logs where Nx prefixes each line with the project', () => {
    const prefixed = log('#7 CACHED')
      .split('\n')
      .map((l) => `web: ${l}`)
      .join('\n');
    expect(stepCached(prefixed, /npm ci/)).toBe(true);
  });

  it('is undefined when no step matches', () => {
    expect(stepCached(log('#7 CACHED'), /go build/)).toBeUndefined();
  });
});
