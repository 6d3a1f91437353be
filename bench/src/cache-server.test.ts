import { cacheServerMarkdown, type RunResult } from './cache-server';

const phase = (mbPerS: number, reqPerS: number, serverCpuMsPerMB: number) => ({
  requests: 1,
  bytes: 1,
  ms: 1,
  unexpected: 0,
  concurrency: 8,
  mbPerS,
  reqPerS,
  serverCpuMs: 1,
  serverCpuMsPerMB,
});
const run = (x: number): RunResult => ({
  putSmall: phase(30 * x, 480 * x, 10),
  putLarge: phase(600 * x, 70 * x, 2),
  getLarge8: phase(1200 * x, 150 * x, 1 / x),
  getLarge32: phase(900 * x, 110 * x, 1 / x),
  getSmall32: phase(500 * x, 8000 * x, 1),
  miss32: phase(1, 39000 * x, 1),
  peakRssMB: 17.5,
  server: {},
});

describe('cacheServerMarkdown', () => {
  it('tabulates every variant and the paired ratios against the server as it is', () => {
    const md = cacheServerMarkdown({
      variants: { 'as-is': 'now', unverified: 'no check', baseline: 'before' },
      samples: { 'as-is': [run(2), run(2)], unverified: [run(2), run(2)], baseline: [run(1), run(1)] },
    });
    const lines = md.split('\n');
    expect(lines[0]).toBe('|  | `as-is` | `unverified` | `baseline` | as-is vs unverified (paired runs) | as-is vs baseline (paired runs) |');
    expect(md).toContain('| GET hits (8 MiB), 8 clients | 2400 MB/s (2400–2400, n=2) | 2400 MB/s (2400–2400, n=2) | 1200 MB/s (1200–1200, n=2) | ×1.0 (1.0–1.0) | ×2.0 (2.0–2.0) |');
    expect(md).toContain('| 404s, 32 clients | 78000 req/s (78000–78000, n=2) |');
    expect(md).toContain('| server CPU per MB served, 32 clients | 0.50 ms (0.50–0.50, n=2) | 0.50 ms (0.50–0.50, n=2) | 1.00 ms (1.00–1.00, n=2) | ×1.0 (1.0–1.0) | ×2.0 (2.0–2.0) |');
    expect(md).toContain('| peak RSS | 17.5 MB (17.5–17.5, n=2) |');
    expect(md).not.toContain('smoke run');
  });

  it('marks a quick run', () => {
    expect(cacheServerMarkdown({ variants: { 'as-is': 'now' }, samples: { 'as-is': [run(1)] }, quick: true })).toMatch(/^_A --quick smoke run: not a measurement\._/);
  });
});
