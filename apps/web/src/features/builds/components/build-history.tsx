import type { Outcome } from '@slipway/api-contract';
import { ErrorAlert } from '@/components/error-alert';
import { LoadMore } from '@/components/load-more';
import { LoadingStatus } from '@/components/loading-status';
import { UnknownThing } from '@/components/unknown-thing';
import { useBuildHistory } from '@/features/builds/api/use-build-history';
import { isNotFound } from '@/lib/api-client';
import { isOutcome } from '@/lib/build';
import { BuildsTable } from './builds-table';

const FILTERS: ReadonlyArray<{ value: Outcome | null; label: string }> = [
  { value: null, label: 'All builds' },
  { value: 'built', label: 'Built' },
  { value: 'reused', label: 'Reused' },
];

interface BuildHistoryProps {
  image: string;
  outcome: Outcome | null;
  onOutcomeChange: (outcome: Outcome | null) => void;
}

/** An image's builds, newest first, paged, filtered by outcome. */
export function BuildHistory({ image, outcome, onOutcomeChange }: BuildHistoryProps) {
  return (
    <section aria-labelledby="history-heading">
      <div className="section-head">
        <h3 id="history-heading">Build history</h3>
        <label className="filter">
          Outcome{' '}
          <select
            value={outcome ?? ''}
            onChange={(event) => onOutcomeChange(isOutcome(event.target.value) ? event.target.value : null)}
          >
            {FILTERS.map((filter) => (
              <option key={filter.label} value={filter.value ?? ''}>
                {filter.label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {/* Keyed: another filter is another list, starting from its first page. */}
      <HistoryList key={outcome ?? 'all'} image={image} outcome={outcome} />
    </section>
  );
}

function HistoryList({ image, outcome }: { image: string; outcome: Outcome | null }) {
  const history = useBuildHistory(image, outcome);
  const { first, items: builds } = history;
  if (first.status === 'loading') return <LoadingStatus label="Loading builds…" />;
  if (first.status === 'error') {
    if (isNotFound(first.error)) {
      return (
        <UnknownThing title="Unknown image">
          Slipway has no builds recorded for <code>{image}</code>.
        </UnknownThing>
      );
    }
    return <ErrorAlert title="Could not load builds" error={first.error} onRetry={history.retry} />;
  }
  if (builds.length === 0) {
    return (
      <div className="empty">
        <p className="empty__title">
          {outcome ? `No ${outcome} builds recorded for this image` : 'No builds recorded for this image yet'}
        </p>
      </div>
    );
  }
  return (
    <>
      <p className="muted">
        Project <strong>{builds[0]?.project}</strong> · newest first · {builds.length} shown
      </p>
      <BuildsTable builds={builds} />
      <LoadMore list={history} what="builds" endText="That is the whole history." />
    </>
  );
}
