import { ErrorAlert } from '../../../components/error-alert';
import { LoadingStatus } from '../../../components/loading-status';
import { useAsync } from '../../../lib/use-async';
import { listImages } from '../api/images-api';
import { ImagesTable } from './images-table';
import { NoImages } from './no-images';

export function ImagesPage() {
  const { state, retry } = useAsync(listImages);
  return (
    <section aria-labelledby="images-heading">
      <title>Images · Slipway</title>
      <h2 id="images-heading">Images</h2>
      {state.status === 'loading' && <LoadingStatus label="Loading images…" />}
      {state.status === 'error' && <ErrorAlert title="Could not load images" error={state.error} onRetry={retry} />}
      {state.status === 'success' &&
        (state.data.length === 0 ? <NoImages /> : <ImagesTable images={state.data} />)}
    </section>
  );
}
