import type { ImageSummary } from '@slipway/api-contract';
import { useCallback } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { LoadMore } from '@/components/load-more';
import { LoadingStatus } from '@/components/loading-status';
import { listImages } from '@/features/images/api/images-api';
import { ImagesTable } from '@/features/images/components/images-table';
import { NoImages } from '@/features/images/components/no-images';
import { usePagedList } from '@/lib/use-paged';

/** The overview: every image with its latest build, a page at a time, the most recently recorded first. */
export function ImagesPage() {
  const loadPage = useCallback(async (cursor: string | null, signal: AbortSignal) => {
    const page = await listImages({ cursor, signal });
    return { items: page.images, nextCursor: page.nextCursor };
  }, []);
  const images = usePagedList<ImageSummary>(loadPage);
  const { first, items } = images;
  return (
    <section aria-labelledby="images-heading">
      <title>Images · Slipway</title>
      <h2 id="images-heading">Images</h2>
      {first.status === 'loading' && <LoadingStatus label="Loading images…" />}
      {first.status === 'error' && <ErrorAlert title="Could not load images" error={first.error} onRetry={images.retry} />}
      {first.status === 'success' &&
        (items.length === 0 ? (
          <NoImages />
        ) : (
          <>
            <ImagesTable images={items} />
            <LoadMore list={images} what="images" endText="Those are all the images." />
          </>
        ))}
    </section>
  );
}
