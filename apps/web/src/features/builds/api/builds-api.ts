import type { BuildPage } from '@slipway/api-contract';
import { apiGet, isRecord } from '../../../lib/api-client';
import { isBuild, UnexpectedResponseError } from './build';

export const BUILDS_PAGE_SIZE = 20;

/** The path of an image's builds; the name contains '/', so it travels as one encoded segment. */
export function imageBuildsPath(image: string): string {
  return `/api/v1/images/${encodeURIComponent(image)}/builds`;
}

/** One page of an image's builds, newest first. Rejects with a 404 ApiError for an unknown image. */
export async function listImageBuilds(
  image: string,
  options: { cursor?: string | null; signal?: AbortSignal } = {},
): Promise<BuildPage> {
  const body = await apiGet(imageBuildsPath(image), {
    query: { limit: BUILDS_PAGE_SIZE, cursor: options.cursor },
    signal: options.signal,
  });
  if (!isRecord(body) || !Array.isArray(body['builds']) || !body['builds'].every(isBuild)) {
    throw new UnexpectedResponseError(`the builds of ${image}`);
  }
  // nextCursor is opaque; null on the last page (an empty or missing one counts as null too).
  const next = body['nextCursor'];
  return { builds: body['builds'], nextCursor: typeof next === 'string' && next !== '' ? next : null };
}
