import type { SizePoint } from '@slipway/api-contract';
import { apiGet, isRecord, UnexpectedResponseError } from '@/lib/api-client';
import { isOutcome } from '@/lib/build';
import type { Check } from '@/lib/shape';
import { arrayOf, hasShape, isNumber, isString, optional } from '@/lib/shape';

/** How many of the most recent builds the chart shows. */
export const SIZE_POINTS = 200;

const isSizePoints = arrayOf(
  hasShape<SizePoint>({
    recordedAt: isString,
    sizeBytes: isNumber,
    budgetBytes: optional(isNumber),
    digest: isString,
    outcome: isOutcome,
    gitSha: isString,
  } satisfies { [K in keyof SizePoint]-?: Check }),
);

/** The size of an image's most recent builds, oldest first. Rejects with a 404 ApiError for an unknown image. */
export async function listImageSizes(image: string, signal?: AbortSignal): Promise<SizePoint[]> {
  const body = await apiGet(`/api/v1/images/${encodeURIComponent(image)}/sizes`, {
    query: { limit: SIZE_POINTS },
    signal,
  });
  const points = isRecord(body) ? body['points'] : undefined;
  if (!isSizePoints(points)) throw new UnexpectedResponseError(`the sizes of ${image}`);
  return points;
}
