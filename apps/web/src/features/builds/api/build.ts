import type { Build, Outcome } from '@slipway/api-contract';
import type { Check } from '../../../lib/shape';
import { arrayOf, hasShape, isNumber, isString, optional } from '../../../lib/shape';

/** Thrown when a 2xx body is not what the contract promises, so the page says so plainly. */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  constructor(what: string) {
    super(`The API sent an unexpected response for ${what}.`);
  }
}

// Record<Outcome, ...>: an outcome added to the contract does not compile until it is listed here.
const OUTCOMES: Record<Outcome, true> = { built: true, reused: true };

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && Object.hasOwn(OUTCOMES, value);
}

// One check per property of the generated Build type: `satisfies` makes a property added to
// or removed from the contract a compile error here, so this runtime check cannot drift.
const BUILD_CHECKS = {
  id: isNumber,
  project: isString,
  image: isString,
  digest: isString,
  tags: arrayOf(isString),
  sizeBytes: isNumber,
  budgetBytes: optional(isNumber),
  platform: isString,
  gitSha: isString,
  nxHash: isString,
  outcome: isOutcome,
  durationMs: isNumber,
  ciRunId: (value) => value === undefined || isString(value),
  recordedAt: isString,
} satisfies { [K in keyof Build]-?: Check };

export const isBuild = hasShape<Build>(BUILD_CHECKS);
