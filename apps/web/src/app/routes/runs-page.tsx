import type { RunSummary } from '@slipway/api-contract';
import { useCallback } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { LoadMore } from '@/components/load-more';
import { LoadingStatus } from '@/components/loading-status';
import { listRuns } from '@/features/runs/api/runs-api';
import { RunsTable } from '@/features/runs/components/runs-table';
import { usePagedList } from '@/lib/use-paged';

/** Every CI run that recorded builds, newest first. */
export function RunsPage() {
  const loadPage = useCallback(async (cursor: string | null, signal: AbortSignal) => {
    const page = await listRuns({ cursor, signal });
    return { items: page.runs, nextCursor: page.nextCursor };
  }, []);
  const runs = usePagedList<RunSummary>(loadPage);
  const { first, items } = runs;
  return (
    <section aria-labelledby="runs-heading">
      <title>CI runs · Slipway</title>
      <h2 id="runs-heading">CI runs</h2>
      {first.status === 'loading' && <LoadingStatus label="Loading CI runs…" />}
      {first.status === 'error' && <ErrorAlert title="Could not load CI runs" error={first.error} onRetry={runs.retry} />}
      {first.status === 'success' &&
        (items.length === 0 ? (
          <div className="empty">
            <p className="empty__title">No CI runs recorded yet</p>
            <p className="muted">A run appears here once CI records a build with its run id (ciRunId).</p>
          </div>
        ) : (
          <>
            <RunsTable runs={items} />
            <LoadMore list={runs} what="CI runs" endText="Those are all the CI runs." />
          </>
        ))}
    </section>
  );
}
