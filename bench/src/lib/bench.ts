/** What every benchmark gets from the command line. */
export interface BenchOptions {
  /** Repetitions of each measured step. */
  runs: number;
  /** Saves the result so far after each run, so a long benchmark stopped early still leaves its numbers. */
  checkpoint: (partial: Record<string, unknown>) => void;
  /** `--quick`: a small smoke run, written outside bench/results (benchmarks that support it). */
  quick?: boolean;
  /** `--baseline COMMIT`: also measure that commit (benchmarks that support it). */
  baseline?: string;
  /** `--sizes 3,20,50`: the workspace sizes to measure (benchmarks that support it). */
  sizes?: number[];
}

/** One benchmark: a name (also its results file), a default run count, and the measurement. */
export interface Benchmark {
  name: string;
  title: string;
  defaultRuns: number;
  run: (opts: BenchOptions) => Promise<Record<string, unknown>>;
}

/** `--sizes 3,20,50` → [3, 20, 50]: whole numbers of at least 3 (the repository's own image projects), each once. */
export function parseSizes(text: string): number[] {
  const sizes = text.split(',').map((x) => x.trim());
  const out: number[] = [];
  for (const x of sizes) {
    const n = Number(x);
    if (!/^\d+$/.test(x) || n < 3) throw new Error(`--sizes takes whole numbers of at least 3 (the repository has 3 image projects), separated by commas: not "${text}"`);
    if (!out.includes(n)) out.push(n);
  }
  return out;
}
