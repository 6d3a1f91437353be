import type { Outcome } from '@slipway/api-contract';
import { Link, useSearchParams } from 'react-router';
import { paths } from '../../../app/paths';
import { BuildHistory } from '../../builds/components/build-history';
import { parseOutcomeParam } from '../api/outcome-param';
import { SizeHistory } from './size-history';

/** One image: its size over time and its build history. Render with `key={image}`. */
export function ImagePage({ image }: { image: string }) {
  const [searchParams, setSearchParams] = useSearchParams();
  const outcome = parseOutcomeParam(searchParams.get('outcome'));
  // The filter lives in the URL, so a filtered history can be shared.
  const setOutcome = (next: Outcome | null) =>
    setSearchParams((params) => {
      if (next) params.set('outcome', next);
      else params.delete('outcome');
      return params;
    });
  return (
    <section aria-labelledby="image-heading" className="stack">
      <title>{`${image} · Slipway`}</title>
      <p>
        <Link to={paths.overview}>← All images</Link>
      </p>
      <h2 id="image-heading" className="image-name">
        {image}
      </h2>
      <SizeHistory image={image} />
      <BuildHistory image={image} outcome={outcome} onOutcomeChange={setOutcome} />
    </section>
  );
}
