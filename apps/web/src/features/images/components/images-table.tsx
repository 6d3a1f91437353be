import type { ImageSummary } from '@slipway/api-contract';
import { Link } from 'react-router';
import { RelativeTime } from '@/components/relative-time';
import { ShortId } from '@/components/short-id';
import { SizeBudget } from '@/components/size-budget';
import { TableScroll } from '@/components/table-scroll';
import { paths } from '@/config/paths';
import { reuseShare } from '@/lib/budget';
import { formatPercent, shortDigest } from '@/lib/format';
import { useNow } from '@/lib/use-now';

export function ImagesTable({ images }: { images: readonly ImageSummary[] }) {
  const now = useNow();
  return (
    <TableScroll label="Images and their latest build">
      <table className="stacking-table">
        <thead>
          <tr>
            <th scope="col">Image</th>
            <th scope="col">Project</th>
            <th scope="col">Latest digest</th>
            <th scope="col">Size against budget</th>
            <th scope="col">Last built</th>
            <th scope="col">Last reused</th>
            <th scope="col">Reused in CI runs</th>
            <th scope="col" className="num">
              Builds
            </th>
          </tr>
        </thead>
        <tbody>
          {images.map(({ image, project, builds, latest, lastBuiltAt, lastReusedAt, runs }) => (
            <tr key={image}>
              <th scope="row" className="image-cell">
                <Link to={paths.image(image)}>{image}</Link>
              </th>
              <td data-label="Project">{project}</td>
              <td data-label="Latest digest">
                <ShortId full={latest.digest} short={shortDigest(latest.digest)} />
              </td>
              <td data-label="Size">
                <SizeBudget sizeBytes={latest.sizeBytes} budgetBytes={latest.budgetBytes} />
              </td>
              <td data-label="Last built">
                <OptionalTime iso={lastBuiltAt} now={now} never="never" />
              </td>
              <td data-label="Last reused">
                <OptionalTime iso={lastReusedAt} now={now} never="never" />
              </td>
              <td data-label="Reused in">
                <ReuseShare runs={runs} />
              </td>
              <td data-label="Builds" className="num">
                {builds}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function OptionalTime({ iso, now, never }: { iso: string | null; now: number; never: string }) {
  if (!iso) return <span className="muted">{never}</span>;
  return <RelativeTime iso={iso} now={now} />;
}

function ReuseShare({ runs }: { runs: ImageSummary['runs'] }) {
  const share = reuseShare(runs);
  if (share === null) return <span className="muted">in no CI run</span>;
  return (
    <span title={`Reused in ${runs.reused} of the ${runs.total} CI runs it was part of`}>
      {formatPercent(share)} <span className="muted">({runs.reused} of {runs.total})</span>
    </span>
  );
}
