import type { Build } from '@slipway/api-contract';
import { OutcomeBadge } from '../../../components/outcome-badge';
import { RelativeTime } from '../../../components/relative-time';
import { ShortId } from '../../../components/short-id';
import { TableScroll } from '../../../components/table-scroll';
import { TagList } from '../../../components/tag-list';
import { formatBytes, formatDuration, shortDigest, shortHash, shortSha } from '../../../lib/format';
import { useNow } from '../../../lib/use-now';

export function BuildsTable({ builds }: { builds: readonly Build[] }) {
  const now = useNow();
  return (
    <TableScroll label="Build history">
      <table>
        <thead>
          <tr>
            <th scope="col">Recorded</th>
            <th scope="col">Outcome</th>
            <th scope="col">Digest</th>
            <th scope="col">Tags</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col">Git sha</th>
            <th scope="col">Nx hash</th>
            <th scope="col">CI run</th>
          </tr>
        </thead>
        <tbody>
          {builds.map((build) => (
            <tr key={build.id}>
              <td>
                <RelativeTime iso={build.recordedAt} now={now} />
              </td>
              <td>
                <OutcomeBadge outcome={build.outcome} />
              </td>
              <td>
                <ShortId full={build.digest} short={shortDigest(build.digest)} />
              </td>
              <td>
                <TagList tags={build.tags} />
              </td>
              <td className="num">{formatBytes(build.sizeBytes)}</td>
              <td className="num">{formatDuration(build.durationMs)}</td>
              <td>
                <ShortId full={build.gitSha} short={shortSha(build.gitSha)} />
              </td>
              <td>
                <ShortId full={build.nxHash} short={shortHash(build.nxHash)} />
              </td>
              <td>{build.ciRunId ? <code>{build.ciRunId}</code> : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
