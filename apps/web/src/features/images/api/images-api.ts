import type { ImageList, ImageRunCounts, ImageSummary } from '@slipway/api-contract';
import { apiGet, isRecord, UnexpectedResponseError } from '@/lib/api-client';
import { isBuild } from '@/lib/build';
import type { Check } from '@/lib/shape';
import { arrayOf, hasShape, isNullableString, isNumber, isString } from '@/lib/shape';
import { parseNextCursor } from '@/lib/use-paged';

const isRunCounts = hasShape<ImageRunCounts>({
  total: isNumber,
  reused: isNumber,
} satisfies { [K in keyof ImageRunCounts]-?: Check });

// One check per property of the generated ImageSummary type (see BUILD_CHECKS in @/lib/build).
const isImageSummary = hasShape<ImageSummary>({
  image: isString,
  project: isString,
  builds: isNumber,
  latest: isBuild,
  lastBuiltAt: isNullableString,
  lastReusedAt: isNullableString,
  runs: isRunCounts,
} satisfies { [K in keyof ImageSummary]-?: Check });

const isImageList = arrayOf(isImageSummary);

/** How many images the overview asks for at a time. */
export const IMAGES_PAGE_SIZE = 50;

/** One page of the images with their latest build and how often each was built and reused, most recent first. */
export async function listImages(options: { cursor?: string | null; signal?: AbortSignal } = {}): Promise<ImageList> {
  const body = await apiGet('/api/v1/images', {
    query: { limit: IMAGES_PAGE_SIZE, cursor: options.cursor },
    signal: options.signal,
  });
  const images = isRecord(body) ? body['images'] : undefined;
  if (!isRecord(body) || !isImageList(images)) throw new UnexpectedResponseError('the list of images');
  return { images, nextCursor: parseNextCursor(body['nextCursor']) };
}
