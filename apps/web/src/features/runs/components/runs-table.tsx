import type { RunSummary } from '@slipway/api-contract';
import { Link } from 'react-router';
import { RelativeTime } from '@/components/relative-time';
import { ShortId } from '@/components/short-id';
import { TableScroll } from '@/components/table-scroll';
import { paths } from '@/config/paths';
import { formatDuration, shortSha } from '@/lib/format';
import { timeSpanMs } from '@/lib/time-span';
import { useNow } from '@/lib/use-now';

export function RunsTable({ runs }: { runs: readonly RunSummary[] }) {
  const now = useNow();
  return (
    <TableScroll label="CI runs">
      <table className="stacking-table">
        <thead>
          <tr>
            <th scope="col">CI run</th>
            <th scope="col">Git sha</th>
            <th scope="col">Started</th>
            <th scope="col" className="num">
              Images
            </th>
            <th scope="col" className="num">
              Built
            </th>
            <th scope="col" className="num">
              Reused
            </th>
            <th scope="col" className="num">
              Wall time
            </th>
            <th scope="col" className="num">
              Build time
            </th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.ciRunId}>
              <th scope="row">
                <Link to={paths.run(run.ciRunId)}>{run.ciRunId}</Link>
              </th>
              <td data-label="Git sha">
                <ShortId full={run.gitSha} short={shortSha(run.gitSha)} />
              </td>
              <td data-label="Started">
                <RelativeTime iso={run.startedAt} now={now} />
              </td>
              <td data-label="Images" className="num">
                {run.images}
              </td>
              <td data-label="Built" className="num">
                {run.built}
              </td>
              <td data-label="Reused" className="num">
                {run.reused}
              </td>
              <td data-label="Wall time" className="num">
                {formatDuration(timeSpanMs(run.startedAt, run.finishedAt) ?? Number.NaN)}
              </td>
              <td data-label="Build time" className="num">
                {formatDuration(run.durationMs)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
