import { budgetUsage } from '@/lib/budget';
import { formatBytes, formatPercent } from '@/lib/format';

/** A size, and where a budget applies, a bar of how much of it is used; over budget is flagged. */
export function SizeBudget({ sizeBytes, budgetBytes }: { sizeBytes: number; budgetBytes?: number | null }) {
  const usage = budgetUsage(sizeBytes, budgetBytes);
  if (!usage || budgetBytes == null) {
    return (
      <span className="size-budget">
        <span className="size-budget__size">{formatBytes(sizeBytes)}</span>{' '}
        <span className="muted">no budget</span>
      </span>
    );
  }
  const state = usage.over ? 'over' : 'ok';
  return (
    <span className={`size-budget size-budget--${state}`}>
      <span className="size-budget__size">{formatBytes(sizeBytes)}</span>{' '}
      <span className="size-budget__share">
        {formatPercent(usage.fraction)} of {formatBytes(budgetBytes)}
      </span>
      {usage.over && <strong className="size-budget__flag"> over budget</strong>}
      <span className="size-budget__bar" aria-hidden="true">
        <span style={{ width: `${Math.min(100, usage.fraction * 100)}%` }} />
      </span>
    </span>
  );
}
