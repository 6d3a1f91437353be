import type { Build, Outcome } from '@slipway/api-contract';
import type { Check } from './shape';
import { arrayOf, hasShape, isBoolean, isNumber, isString, optional } from './shape';

// Shared by every feature that reads builds (builds, images, runs).
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
  sbomDigest: optional(isString),
  sbomPackages: optional(isNumber),
  signed: optional(isBoolean),
  recordedAt: isString,
} satisfies { [K in keyof Build]-?: Check };

export const isBuild = hasShape<Build>(BUILD_CHECKS);
