import type { PagedList } from '@/lib/use-paged';
import { ErrorAlert } from './error-alert';

/** "Load more" under a paged list, with the failure of an older page shown above it. */
export function LoadMore({ list, what, endText }: { list: PagedList<unknown>; what: string; endText: string }) {
  const { more, hasMore, loadMore } = list;
  return (
    <div className="load-more">
      {more.status === 'error' && <ErrorAlert title={`Could not load older ${what}`} error={more.error} />}
      {hasMore ? (
        <button type="button" onClick={loadMore} disabled={more.status === 'loading'}>
          {more.status === 'loading' ? 'Loading…' : 'Load more'}
        </button>
      ) : (
        <p className="muted">{endText}</p>
      )}
    </div>
  );
}
