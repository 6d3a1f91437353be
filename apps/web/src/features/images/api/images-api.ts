import { apiGet, isRecord } from '../../../lib/api-client';
import { isBuild, UnexpectedResponseError } from '../../builds/api/build';
import type { Build } from '../../builds/api/build';

export interface ImageSummary {
  image: string;
  project: string;
  buildCount: number;
  latest: Build;
}

function isImageSummary(value: unknown): value is ImageSummary {
  return (
    isRecord(value) &&
    typeof value['image'] === 'string' &&
    typeof value['buildCount'] === 'number' &&
    isBuild(value['latest'])
  );
}

/** Every image with its latest build, most recently built first. */
export async function listImages(signal?: AbortSignal): Promise<ImageSummary[]> {
  const body = await apiGet('/api/v1/images', { signal });
  if (!isRecord(body) || !Array.isArray(body['images']) || !body['images'].every(isImageSummary)) {
    throw new UnexpectedResponseError('the list of images');
  }
  return body['images'];
}
