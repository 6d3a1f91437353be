import { parseSize, parseSteps, stepCached, timeBreakdown } from './buildkit-log';

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

/** A plain log of a Go service on an empty builder reading a registry layer cache (shape of BuildKit 0.2x's printer). */
const emptyBuilderLog = [
  '#1 [internal] load build definition from Dockerfile.multi-stage',
  '#1 transferring dockerfile: 3.12kB done',
  '#1 DONE 0.1s',
  '',
  '#2 [internal] load metadata for docker.io/library/golang:1.25-alpine',
  '#3 [internal] load metadata for docker.io/library/alpine:3.22.1',
  '#3 DONE 0.8s',
  '#2 DONE 1.2s',
  '',
  '#4 importing cache manifest from 127.0.0.1:5000/ns/slipway-api:buildcache',
  '#4 inferred cache manifest type: application/vnd.oci.image.index.v1+json done',
  '#4 DONE 0.3s',
  '',
  '#5 [modules 1/4] FROM docker.io/library/golang:1.25-alpine@sha256:aaaa',
  '#5 resolve docker.io/library/golang:1.25-alpine@sha256:aaaa 0.1s done',
  '#5 sha256:1111 10.49MB / 60.12MB 0.2s',
  '#6 [internal] load build context',
  '#6 transferring context: 1.20MB 0.1s done',
  '#5 sha256:1111 60.12MB / 60.12MB 2.3s done',
  '#5 extracting sha256:1111',
  '#6 DONE 0.2s',
  '#5 ...',
  '',
  '#6 [internal] load build context',
  '#6 DONE 0.2s',
  '',
  '#5 [modules 1/4] FROM docker.io/library/golang:1.25-alpine@sha256:aaaa',
  '#5 extracting sha256:1111 3.1s done',
  '#5 sha256:3333 0.00B / 32.00B done',
  '#5 extracting sha256:3333 done',
  '#5 DONE 5.6s',
  '',
  '#7 [modules 3/4] RUN go mod download && go mod verify',
  '#7 CACHED',
  '',
  '#8 [dependencies 2/2] RUN xargs go build < /packages.txt',
  '#8 CACHED',
  '',
  '#9 [builder 3/4] RUN go build -ldflags "-s -w -X main.version=abc1234" -o /out/service "./apps/api" &&     mkdir -p /out/data',
  '#9 sha256:2222 150.3MB / 150.3MB 1.5s done',
  '#9 extracting sha256:2222 4.0s done',
  '#9 DONE 12.5s',
  '',
  '#12 [auth] ns/slipway-api:pull,push token for 127.0.0.1:5000',
  '#12 DONE 0.0s',
  '',
  '#10 [runtime 2/3] COPY --link --from=builder /out/service /usr/local/bin/service',
  '#10 DONE 0.1s',
  '',
  '#11 exporting to image',
  '#11 pushing layers 0.9s done',
  '#11 DONE 1.4s',
].map((l) => (l ? `api: ${l}` : l));

describe('parseSteps', () => {
  it('follows each vertex through interleaved lines to how it ended', () => {
    const steps = parseSteps(emptyBuilderLog.join('\n'));
    const byId = new Map(steps.map((s) => [s.id, s]));
    expect(steps.map((s) => s.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 10, 11]);
    expect(byId.get(5)).toMatchObject({ name: '[modules 1/4] FROM docker.io/library/golang:1.25-alpine@sha256:aaaa', state: 'done', seconds: 5.6, resolves: [0.1], extracts: [3.1, 0] });
    expect(byId.get(5)?.downloads).toEqual([{ bytes: 60.12e6, seconds: 2.3 }, { bytes: 32, seconds: 0 }]);
    expect(byId.get(2)).toMatchObject({ name: '[internal] load metadata for docker.io/library/golang:1.25-alpine', seconds: 1.2 });
    expect(byId.get(7)?.state).toBe('cached');
    expect(parseSteps('#3 [builder 2/2] RUN false\n#3 ERROR: process "/bin/sh -c false" did not complete')[0]?.state).toBe('error');
    expect(parseSteps('#3 [builder 2/2] RUN sleep 100')[0]?.state).toBe('open');
  });
});

describe('timeBreakdown', () => {
  it('splits an empty builder build into resolving and pulling the base, the cache import, unpacking and the compile', () => {
    const b = timeBreakdown(emptyBuilderLog.join('\n'), /go build -ldflags/);
    expect(b.baseResolve).toBeCloseTo(0.8 + 1.2 + 0.1);
    expect(b.basePull).toEqual({ seconds: 2.3, bytes: 60.12e6 + 32 });
    expect(b.cacheImport).toBe(0.3);
    expect(b.cachePull).toEqual({ seconds: 1.5, bytes: 150.3e6 });
    expect(b.unpack).toBeCloseTo(7.1);
    // The compile step's 12.5 s less the pull and the unpack of the layer it runs on.
    expect(b.compile).toBeCloseTo(7);
    expect(b.otherSteps).toBeCloseTo(0.1);
    expect(b.export).toBe(1.4);
    expect(b.internal).toBeCloseTo(0.3);
    expect(b.cachedSteps).toEqual(['[modules 3/4] RUN go mod download && go mod verify', '[dependencies 2/2] RUN xargs go build < /packages.txt']);
    expect(b.ranSteps).toHaveLength(2);
  });

  it('counts a step that does not match the compile pattern as another step', () => {
    const b = timeBreakdown(emptyBuilderLog.join('\n'), /vite build/);
    expect(b.compile).toBe(0);
    expect(b.otherSteps).toBeCloseTo(7.1);
  });
});

describe('parseSize', () => {
  it('reads BuildKit sizes and refuses what is not one', () => {
    expect(parseSize('3.12kB')).toBe(3120);
    expect(parseSize('0B')).toBe(0);
    expect(parseSize('0.00B')).toBe(0);
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(() => parseSize('12 parsecs')).toThrow(/not a BuildKit size/);
  });
});
