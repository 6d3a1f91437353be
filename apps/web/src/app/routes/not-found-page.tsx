import { Link } from 'react-router';
import { paths } from '@/config/paths';

export function NotFoundPage() {
  return (
    <section aria-labelledby="not-found-heading">
      <title>Page not found · Slipway</title>
      <h2 id="not-found-heading">Page not found</h2>
      <p>There is nothing at this address.</p>
      <p>
        <Link to={paths.overview}>Go to the overview</Link>
      </p>
    </section>
  );
}
