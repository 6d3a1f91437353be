import type { ImageSummary } from '@slipway/api-contract';
import { Link } from 'react-router';
import { paths } from '../../../app/paths';
import { OutcomeBadge } from '../../../components/outcome-badge';
import { RelativeTime } from '../../../components/relative-time';
import { ShortId } from '../../../components/short-id';
import { TableScroll } from '../../../components/table-scroll';
import { TagList } from '../../../components/tag-list';
import { formatBytes, shortDigest, shortSha } from '../../../lib/format';
import { useNow } from '../../../lib/use-now';

export function ImagesTable({ images }: { images: readonly ImageSummary[] }) {
  const now = useNow();
  return (
    <TableScroll label="Images and their latest build">
      <table>
        <thead>
          <tr>
            <th scope="col">Image</th>
            <th scope="col">Project</th>
            <th scope="col">Latest digest</th>
            <th scope="col">Tags</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col">Outcome</th>
            <th scope="col">Git sha</th>
            <th scope="col">When</th>
            <th scope="col" className="num">
              Builds
            </th>
          </tr>
        </thead>
        <tbody>
          {images.map(({ image, project, buildCount, latest }) => (
            <tr key={image}>
              <th scope="row" className="image-cell">
                <Link to={paths.image(image)}>{image}</Link>
              </th>
              <td>{project}</td>
              <td>
                <ShortId full={latest.digest} short={shortDigest(latest.digest)} />
              </td>
              <td>
                <TagList tags={latest.tags} />
              </td>
              <td className="num">{formatBytes(latest.sizeBytes)}</td>
              <td>
                <OutcomeBadge outcome={latest.outcome} />
              </td>
              <td>
                <ShortId full={latest.gitSha} short={shortSha(latest.gitSha)} />
              </td>
              <td>
                <RelativeTime iso={latest.recordedAt} now={now} />
              </td>
              <td className="num">{buildCount}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
