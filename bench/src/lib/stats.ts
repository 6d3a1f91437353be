/** Median, range and count of a set of samples. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The median of the samples (the mean of the two middle ones for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('median of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Median, min and max of the samples. */
export function summarize(xs: readonly number[]): Summary {
  return { median: median(xs), min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
}

/**
 * How many times faster `fast` is than `slow`, from the medians; the range is the
 * worst and best pairing of the extremes (slow.min / fast.max … slow.max / fast.min).
 */
export function speedup(slow: Summary, fast: Summary): Summary {
  const ratio = (a: number, b: number) => (b > 0 ? a / b : Number.POSITIVE_INFINITY);
  return { median: ratio(slow.median, fast.median), min: ratio(slow.min, fast.max), max: ratio(slow.max, fast.min), n: Math.min(slow.n, fast.n) };
}

/** Seconds with one decimal, from milliseconds. */
export const secs = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `12.3 s (11.0–14.2, n=5)` for a summary in milliseconds. */
export function formatSeconds(s: Summary): string {
  return `${secs(s.median)} (${(s.min / 1000).toFixed(1)}–${(s.max / 1000).toFixed(1)}, n=${s.n})`;
}

/** `×4.2 (3.9–4.8)` for a ratio summary. */
export function formatRatio(s: Summary): string {
  return `×${s.median.toFixed(1)} (${s.min.toFixed(1)}–${s.max.toFixed(1)})`;
}

/**
 * Speed-up from paired samples (run i of `slow` against run i of `fast`, measured back to
 * back): the median and range of the per-run ratios, which a shared machine's load
 * swings disturb less than a ratio of medians.
 */
export function pairedSpeedup(slow: readonly number[], fast: readonly number[]): Summary {
  const n = Math.min(slow.length, fast.length);
  if (n === 0) throw new Error('paired speed-up of no samples');
  const ratios = Array.from({ length: n }, (_, i) => (slow[i] as number) / (fast[i] as number));
  return summarize(ratios);
}
