import type { ImageRunCounts, ImageSummary } from '@slipway/api-contract';
import { apiGet, isRecord } from '../../../lib/api-client';
import type { Check } from '../../../lib/shape';
import { arrayOf, hasShape, isNullableString, isNumber, isString } from '../../../lib/shape';
import { isBuild, UnexpectedResponseError } from '../../builds/api/build';

const isRunCounts = hasShape<ImageRunCounts>({
  total: isNumber,
  reused: isNumber,
} satisfies { [K in keyof ImageRunCounts]-?: Check });

// One check per property of the generated ImageSummary type (see BUILD_CHECKS).
const isImageSummary = hasShape<ImageSummary>({
  image: isString,
  project: isString,
  buildCount: isNumber,
  builds: isNumber,
  latest: isBuild,
  lastBuiltAt: isNullableString,
  lastReusedAt: isNullableString,
  runs: isRunCounts,
} satisfies { [K in keyof ImageSummary]-?: Check });

const isImageList = arrayOf(isImageSummary);

/** Every image with its latest build and how often it was built and reused, most recent first. */
export async function listImages(signal?: AbortSignal): Promise<ImageSummary[]> {
  const body = await apiGet('/api/v1/images', { signal });
  const images = isRecord(body) ? body['images'] : undefined;
  if (!isImageList(images)) throw new UnexpectedResponseError('the list of images');
  return images;
}
