import { lazy, Suspense, useCallback } from 'react';
import { ErrorAlert } from '@/components/error-alert';
import { LoadingStatus } from '@/components/loading-status';
import { listImageSizes } from '@/features/images/api/sizes-api';
import { isNotFound } from '@/lib/api-client';
import { useAsync } from '@/lib/use-async';

// Recharts is the largest dependency; only this section needs it.
const SizeChart = lazy(() => import('./size-chart').then((module) => ({ default: module.SizeChart })));

/** The chart of an image's size over its recent builds, against its budget. */
export function SizeHistory({ image }: { image: string }) {
  const load = useCallback((signal: AbortSignal) => listImageSizes(image, signal), [image]);
  const { state, retry } = useAsync(load);
  // An unknown image has no chart; the build history below says so.
  if (state.status === 'error' && isNotFound(state.error)) return null;
  return (
    <section aria-labelledby="sizes-heading">
      <h3 id="sizes-heading">Size over time</h3>
      {state.status === 'loading' && <LoadingStatus label="Loading sizes…" />}
      {state.status === 'error' && <ErrorAlert title="Could not load sizes" error={state.error} onRetry={retry} />}
      {state.status === 'success' && (
        <figure className="chart">
          <Suspense fallback={<LoadingStatus label="Drawing the chart…" />}>
            <SizeChart points={state.data} />
          </Suspense>
          <figcaption className="muted">
            {state.data.length === 1 ? 'The one recorded build' : `The last ${state.data.length} builds`}, oldest
            left; the dashed line is the size budget in force at the time.
            {state.data.every((point) => point.budgetBytes == null) && ' No budget was recorded for this image.'}
          </figcaption>
        </figure>
      )}
    </section>
  );
}
