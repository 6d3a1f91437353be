import type { Outcome } from '@slipway/api-contract';
import { isOutcome } from '../../builds/api/build';

/** The `?outcome=` filter of an image page; anything but a known outcome means all builds. */
export function parseOutcomeParam(value: string | null): Outcome | null {
  return isOutcome(value) ? value : null;
}
