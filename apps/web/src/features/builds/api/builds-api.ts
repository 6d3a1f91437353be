import type { BuildPage, Outcome } from '@slipway/api-contract';
import { apiGet, isRecord, UnexpectedResponseError } from '@/lib/api-client';
import { isBuild } from '@/lib/build';
import { arrayOf } from '@/lib/shape';
import { parseNextCursor } from '@/lib/use-paged';

export const BUILDS_PAGE_SIZE = 20;

const isBuildList = arrayOf(isBuild);

/** The path of an image's builds; the name contains '/', so it travels as one encoded segment. */
export function imageBuildsPath(image: string): string {
  return `/api/v1/images/${encodeURIComponent(image)}/builds`;
}

export interface ListImageBuildsOptions {
  cursor?: string | null;
  /** Only builds with this outcome; all of them when absent. */
  outcome?: Outcome | null;
  /** The page size; BUILDS_PAGE_SIZE when absent. */
  limit?: number;
  signal?: AbortSignal;
}

/** One page of an image's builds, newest first. Rejects with a 404 ApiError for an unknown image. */
export async function listImageBuilds(image: string, options: ListImageBuildsOptions = {}): Promise<BuildPage> {
  const body = await apiGet(imageBuildsPath(image), {
    query: { limit: options.limit ?? BUILDS_PAGE_SIZE, outcome: options.outcome, cursor: options.cursor },
    signal: options.signal,
  });
  const builds = isRecord(body) ? body['builds'] : undefined;
  if (!isRecord(body) || !isBuildList(builds)) throw new UnexpectedResponseError(`the builds of ${image}`);
  return { builds, nextCursor: parseNextCursor(body['nextCursor']) };
}
