import { formatRatio, formatSeconds, median, pairedSpeedup, speedup, summarize } from './stats';

describe('median', () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 10, 1], 10],
  ])('of %j is %d', (xs, want) => {
    expect(median(xs)).toBe(want);
  });

  it('refuses no samples', () => {
    expect(() => median([])).toThrow('no samples');
  });

  it('does not reorder its input', () => {
    const xs = [3, 1, 2];
    median(xs);
    expect(xs).toEqual([3, 1, 2]);
  });
});

describe('summarize', () => {
  it('gives median, range and count', () => {
    expect(summarize([1200, 900, 3000, 1000])).toEqual({ median: 1100, min: 900, max: 3000, n: 4 });
  });
});

describe('speedup', () => {
  it('divides the medians and pairs the extremes for the range', () => {
    const slow = { median: 100, min: 80, max: 120, n: 3 };
    const fast = { median: 10, min: 8, max: 20, n: 5 };
    expect(speedup(slow, fast)).toEqual({ median: 10, min: 4, max: 15, n: 3 });
  });

  it('is infinite against a zero time', () => {
    expect(speedup({ median: 5, min: 5, max: 5, n: 1 }, { median: 0, min: 0, max: 0, n: 1 }).median).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('formatting', () => {
  it('prints seconds and ratios with their ranges', () => {
    expect(formatSeconds({ median: 12_345, min: 11_000, max: 14_160, n: 5 })).toBe('12.3 s (11.0–14.2, n=5)');
    expect(formatRatio({ median: 4.24, min: 3.9, max: 4.81, n: 3 })).toBe('×4.2 (3.9–4.8)');
  });
});

describe('pairedSpeedup', () => {
  it('takes the ratio run by run, then their median and range', () => {
    expect(pairedSpeedup([100, 300, 60], [10, 100, 30])).toEqual({ median: 3, min: 2, max: 10, n: 3 });
  });

  it('pairs only as many runs as both sides have', () => {
    expect(pairedSpeedup([100, 50], [10]).n).toBe(1);
    expect(() => pairedSpeedup([], [1])).toThrow('no samples');
  });
});
