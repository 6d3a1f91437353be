import { Link } from 'react-router';
import { paths } from '../../../app/paths';
import { ErrorAlert } from '../../../components/error-alert';
import { LoadingStatus } from '../../../components/loading-status';
import { isNotFound } from '../../../lib/api-client';
import type { BuildHistory } from '../api/use-build-history';
import { useBuildHistory } from '../api/use-build-history';
import { BuildsTable } from './builds-table';

/** One image's build history. Render with `key={image}` so a new image starts from scratch. */
export function ImageBuildsPage({ image }: { image: string }) {
  const history = useBuildHistory(image);
  return (
    <section aria-labelledby="image-heading">
      <title>{`${image} · Slipway`}</title>
      <p>
        <Link to={paths.overview}>← All images</Link>
      </p>
      <h2 id="image-heading" className="image-name">
        {image}
      </h2>
      <HistoryContent image={image} history={history} />
    </section>
  );
}

function HistoryContent({ image, history }: { image: string; history: BuildHistory }) {
  const { first, builds } = history;
  if (first.status === 'loading') return <LoadingStatus label="Loading builds…" />;
  if (first.status === 'error') {
    if (isNotFound(first.error)) return <UnknownImage image={image} />;
    return <ErrorAlert title="Could not load builds" error={first.error} onRetry={history.retry} />;
  }
  if (builds.length === 0) {
    return (
      <div className="empty">
        <p className="empty__title">No builds recorded for this image yet</p>
      </div>
    );
  }
  return (
    <>
      <p className="muted">
        Project <strong>{builds[0]?.project}</strong> · newest first · {builds.length} shown
      </p>
      <BuildsTable builds={builds} />
      <LoadMore history={history} />
    </>
  );
}

function LoadMore({ history }: { history: BuildHistory }) {
  const { more, hasMore, loadMore } = history;
  return (
    <div className="load-more">
      {more.status === 'error' && <ErrorAlert title="Could not load older builds" error={more.error} />}
      {hasMore ? (
        <button type="button" onClick={loadMore} disabled={more.status === 'loading'}>
          {more.status === 'loading' ? 'Loading…' : 'Load more'}
        </button>
      ) : (
        <p className="muted">That is the whole history.</p>
      )}
    </div>
  );
}

function UnknownImage({ image }: { image: string }) {
  return (
    <div className="empty">
      <p className="empty__title">Unknown image</p>
      <p>
        Slipway has no builds recorded for <code>{image}</code>.
      </p>
      <p>
        <Link to={paths.overview}>Back to the overview</Link>
      </p>
    </div>
  );
}
