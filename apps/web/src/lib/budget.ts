/** How an image's size stands against its budget. */
export interface BudgetUsage {
  /** size / budget: 0.5 is half the budget, 1.2 is 20% over. */
  fraction: number;
  over: boolean;
}

/** The usage of `budgetBytes`, or null when the image has no budget (absent, null or not positive). */
export function budgetUsage(sizeBytes: number, budgetBytes: number | null | undefined): BudgetUsage | null {
  if (budgetBytes === null || budgetBytes === undefined || !(budgetBytes > 0)) return null;
  if (!Number.isFinite(sizeBytes) || sizeBytes < 0) return null;
  const fraction = sizeBytes / budgetBytes;
  return { fraction, over: sizeBytes > budgetBytes };
}

/** Reused runs as a share of all runs; null when the image was in no CI run. */
export function reuseShare(runs: { total: number; reused: number }): number | null {
  if (!(runs.total > 0)) return null;
  return Math.min(1, Math.max(0, runs.reused / runs.total));
}
