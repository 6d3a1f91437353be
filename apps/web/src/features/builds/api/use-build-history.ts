import type { Build, Outcome } from '@slipway/api-contract';
import { useCallback } from 'react';
import type { PagedList } from '@/lib/use-paged';
import { usePagedList } from '@/lib/use-paged';
import { listImageBuilds } from './builds-api';

/** An image's builds (all, or only one outcome), newest first, one page at a time. */
export function useBuildHistory(image: string, outcome: Outcome | null): PagedList<Build> {
  const loadPage = useCallback(
    async (cursor: string | null, signal: AbortSignal) => {
      const page = await listImageBuilds(image, { cursor, outcome, signal });
      return { items: page.builds, nextCursor: page.nextCursor };
    },
    [image, outcome],
  );
  return usePagedList(loadPage);
}
