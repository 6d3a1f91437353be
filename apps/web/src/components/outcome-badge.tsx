import type { Outcome } from '@slipway/api-contract';

const DESCRIPTIONS: Record<Outcome, string> = {
  built: 'Built: rebuilt because its inputs changed',
  reused: 'Reused: an existing image was re-tagged, nothing was rebuilt',
};

export function OutcomeBadge({ outcome }: { outcome: Outcome }) {
  return (
    <span className={`badge badge--${outcome}`} title={DESCRIPTIONS[outcome]}>
      {outcome}
    </span>
  );
}
