import type { Build, Run } from '@slipway/api-contract';
import { useCallback } from 'react';
import { Link } from 'react-router';
import { ErrorAlert } from '@/components/error-alert';
import { LoadingStatus } from '@/components/loading-status';
import { OutcomeBadge } from '@/components/outcome-badge';
import { RelativeTime } from '@/components/relative-time';
import { ShortId } from '@/components/short-id';
import { SizeBudget } from '@/components/size-budget';
import { TableScroll } from '@/components/table-scroll';
import { UnknownThing } from '@/components/unknown-thing';
import { paths } from '@/config/paths';
import { getRun } from '@/features/runs/api/runs-api';
import { isNotFound } from '@/lib/api-client';
import { formatDuration, shortDigest, shortSha } from '@/lib/format';
import { timeSpanMs } from '@/lib/time-span';
import { useAsync } from '@/lib/use-async';
import { useNow } from '@/lib/use-now';

/** One CI run: every image it built or reused. Render with `key={runId}`. */
export function RunPage({ runId }: { runId: string }) {
  const load = useCallback((signal: AbortSignal) => getRun(runId, signal), [runId]);
  const { state, retry } = useAsync(load);
  return (
    <section aria-labelledby="run-heading" className="stack">
      <title>{`CI run ${runId} · Slipway`}</title>
      <p>
        <Link to={paths.runs}>← All CI runs</Link>
      </p>
      <h2 id="run-heading" className="image-name">
        CI run <code>{runId}</code>
      </h2>
      {state.status === 'loading' && <LoadingStatus label="Loading the run…" />}
      {state.status === 'error' &&
        (isNotFound(state.error) ? (
          <UnknownThing title="Unknown CI run">
            Slipway has no builds recorded for CI run <code>{runId}</code>.
          </UnknownThing>
        ) : (
          <ErrorAlert title="Could not load the run" error={state.error} onRetry={retry} />
        ))}
      {state.status === 'success' && (
        <>
          <RunFacts run={state.data} />
          <RunBuilds builds={state.data.builds} />
        </>
      )}
    </section>
  );
}

function RunFacts({ run }: { run: Run }) {
  const now = useNow();
  return (
    <dl className="facts">
      <div>
        <dt>Git sha</dt>
        <dd>
          <ShortId full={run.gitSha} short={shortSha(run.gitSha)} />
        </dd>
      </div>
      <div>
        <dt>Started</dt>
        <dd>
          <RelativeTime iso={run.startedAt} now={now} />
        </dd>
      </div>
      <div>
        <dt>Wall time</dt>
        <dd>{formatDuration(timeSpanMs(run.startedAt, run.finishedAt) ?? Number.NaN)}</dd>
      </div>
      <div>
        <dt>Images</dt>
        <dd>
          {run.images} · {run.built} built · {run.reused} reused
        </dd>
      </div>
      <div>
        <dt>Build time</dt>
        <dd>{formatDuration(run.durationMs)}</dd>
      </div>
    </dl>
  );
}

function RunBuilds({ builds }: { builds: readonly Build[] }) {
  return (
    <TableScroll label="Images of this run">
      <table className="stacking-table">
        <thead>
          <tr>
            <th scope="col">Image</th>
            <th scope="col">Project</th>
            <th scope="col">Outcome</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col">Size against budget</th>
            <th scope="col">Digest</th>
          </tr>
        </thead>
        <tbody>
          {builds.map((build) => (
            <tr key={build.id}>
              <th scope="row" className="image-cell">
                <Link to={paths.image(build.image)}>{build.image}</Link>
              </th>
              <td data-label="Project">{build.project}</td>
              <td data-label="Outcome">
                <OutcomeBadge outcome={build.outcome} />
              </td>
              <td data-label="Duration" className="num">
                {formatDuration(build.durationMs)}
              </td>
              <td data-label="Size">
                <SizeBudget sizeBytes={build.sizeBytes} budgetBytes={build.budgetBytes} />
              </td>
              <td data-label="Digest">
                <ShortId full={build.digest} short={shortDigest(build.digest)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
