import type { Build } from '@slipway/api-contract';
import { Link } from 'react-router';
import { OutcomeBadge } from '@/components/outcome-badge';
import { RelativeTime } from '@/components/relative-time';
import { ShortId } from '@/components/short-id';
import { SizeBudget } from '@/components/size-budget';
import { TableScroll } from '@/components/table-scroll';
import { TagList } from '@/components/tag-list';
import { paths } from '@/config/paths';
import { formatDuration, shortDigest, shortHash, shortSha } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { SupplyChain } from './supply-chain';

export function BuildsTable({ builds }: { builds: readonly Build[] }) {
  const now = useNow();
  return (
    <TableScroll label="Builds, newest first">
      <table className="stacking-table">
        <thead>
          <tr>
            <th scope="col">Recorded</th>
            <th scope="col">Outcome</th>
            <th scope="col">Digest</th>
            <th scope="col">Tags</th>
            <th scope="col">Size against budget</th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col">Git sha</th>
            <th scope="col">Nx hash</th>
            <th scope="col">CI run</th>
            <th scope="col">Supply chain</th>
          </tr>
        </thead>
        <tbody>
          {builds.map((build) => (
            <tr key={build.id}>
              <th scope="row">
                <RelativeTime iso={build.recordedAt} now={now} />
              </th>
              <td data-label="Outcome">
                <OutcomeBadge outcome={build.outcome} />
              </td>
              <td data-label="Digest">
                <ShortId full={build.digest} short={shortDigest(build.digest)} />
              </td>
              <td data-label="Tags">
                <TagList tags={build.tags} />
              </td>
              <td data-label="Size">
                <SizeBudget sizeBytes={build.sizeBytes} budgetBytes={build.budgetBytes} />
              </td>
              <td data-label="Duration" className="num">
                {formatDuration(build.durationMs)}
              </td>
              <td data-label="Git sha">
                <ShortId full={build.gitSha} short={shortSha(build.gitSha)} />
              </td>
              <td data-label="Nx hash">
                <ShortId full={build.nxHash} short={shortHash(build.nxHash)} />
              </td>
              <td data-label="CI run">
                {build.ciRunId ? (
                  <Link to={paths.run(build.ciRunId)}>{build.ciRunId}</Link>
                ) : (
                  <span className="muted">—</span>
                )}
              </td>
              <td data-label="Supply chain">
                <SupplyChain build={build} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
