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
}

/** One benchmark: a name (also its results file), a default run count, and the measurement. */
export interface Benchmark {
  name: string;
  title: string;
  defaultRuns: number;
  run: (opts: BenchOptions) => Promise<Record<string, unknown>>;
}
