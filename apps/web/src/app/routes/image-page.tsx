import type { Outcome } from '@slipway/api-contract';
import { Link, useSearchParams } from 'react-router';
import { paths } from '@/config/paths';
import { BuildHistory } from '@/features/builds/components/build-history';
import { LatestEvidence } from '@/features/builds/components/latest-evidence';
import { SizeHistory } from '@/features/images/components/size-history';
import { isOutcome } from '@/lib/build';

/** The `?outcome=` filter; anything but a known outcome means all builds. */
function parseOutcomeParam(value: string | null): Outcome | null {
  return isOutcome(value) ? value : null;
}

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
      <LatestEvidence image={image} />
      <SizeHistory image={image} />
      <BuildHistory image={image} outcome={outcome} onOutcomeChange={setOutcome} />
    </section>
  );
}
