import type { Build, Outcome } from '@slipway/api-contract';
import { isRecord } from '../../../lib/api-client';

/** Thrown when a 2xx body is not what the contract promises, so the page says so plainly. */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  constructor(what: string) {
    super(`The API sent an unexpected response for ${what}.`);
  }
}

type Check = (value: unknown) => boolean;

const isString: Check = (value) => typeof value === 'string';
const isNumber: Check = (value) => typeof value === 'number';

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
  tags: (value) => Array.isArray(value) && value.every(isString),
  sizeBytes: isNumber,
  platform: isString,
  gitSha: isString,
  nxHash: isString,
  outcome: isOutcome,
  durationMs: isNumber,
  ciRunId: (value) => value === undefined || isString(value),
  recordedAt: isString,
} satisfies { [K in keyof Build]-?: Check };

// A shape check (types, not the contract's every rule): enough that rendering cannot crash on
// a mismatched API version.
export function isBuild(value: unknown): value is Build {
  return isRecord(value) && Object.entries(BUILD_CHECKS).every(([key, check]) => check(value[key]));
}
