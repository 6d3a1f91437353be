import type { ImageSummary } from '@slipway/api-contract';
import { apiGet, isRecord } from '../../../lib/api-client';
import { isBuild, UnexpectedResponseError } from '../../builds/api/build';

// One check per property of the generated ImageSummary type (see BUILD_CHECKS).
const IMAGE_SUMMARY_CHECKS = {
  image: (value) => typeof value === 'string',
  project: (value) => typeof value === 'string',
  buildCount: (value) => typeof value === 'number',
  latest: isBuild,
} satisfies { [K in keyof ImageSummary]-?: (value: unknown) => boolean };

function isImageSummary(value: unknown): value is ImageSummary {
  return isRecord(value) && Object.entries(IMAGE_SUMMARY_CHECKS).every(([key, check]) => check(value[key]));
}

/** Every image with its latest build, most recently built first. */
export async function listImages(signal?: AbortSignal): Promise<ImageSummary[]> {
  const body = await apiGet('/api/v1/images', { signal });
  if (!isRecord(body) || !Array.isArray(body['images']) || !body['images'].every(isImageSummary)) {
    throw new UnexpectedResponseError('the list of images');
  }
  return body['images'];
}
