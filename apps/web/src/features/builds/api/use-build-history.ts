import type { Build, BuildPage } from '@slipway/api-contract';
import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbortError } from '../../../lib/api-client';
import type { AsyncState } from '../../../lib/use-async';
import { useAsync } from '../../../lib/use-async';
import { listImageBuilds } from './builds-api';

export type LoadMoreState = { status: 'idle' } | { status: 'loading' } | { status: 'error'; error: unknown };

export interface BuildHistory {
  /** State of the first page; older pages are appended to `builds` once it has loaded. */
  first: AsyncState<BuildPage>;
  builds: Build[];
  hasMore: boolean;
  more: LoadMoreState;
  loadMore: () => void;
  retry: () => void;
}

/** An image's builds, newest first, one page at a time. Render it keyed by image. */
export function useBuildHistory(image: string): BuildHistory {
  const loadFirst = useCallback((signal: AbortSignal) => listImageBuilds(image, { signal }), [image]);
  const { state: first, retry: retryFirst } = useAsync(loadFirst);
  const [olderPages, setOlderPages] = useState<BuildPage[]>([]);
  const [more, setMore] = useState<LoadMoreState>({ status: 'idle' });

  // "Load more" requests run from a click, not an effect; abort them when the page goes away.
  const inFlight = useRef(new Set<AbortController>());
  useEffect(() => {
    const controllers = inFlight.current;
    return () => controllers.forEach((controller) => controller.abort());
  }, []);

  const pages = first.status === 'success' ? [first.data, ...olderPages] : [];
  const nextCursor = pages.at(-1)?.nextCursor ?? null;

  const loadMore = () => {
    if (nextCursor === null || more.status === 'loading') return;
    const controller = new AbortController();
    inFlight.current.add(controller);
    setMore({ status: 'loading' });
    listImageBuilds(image, { cursor: nextCursor, signal: controller.signal })
      .then(
        (page) => {
          setOlderPages((previous) => [...previous, page]);
          setMore({ status: 'idle' });
        },
        (error: unknown) => {
          if (!isAbortError(error)) setMore({ status: 'error', error });
        },
      )
      .finally(() => inFlight.current.delete(controller));
  };

  const retry = () => {
    setOlderPages([]);
    setMore({ status: 'idle' });
    retryFirst();
  };

  return {
    first,
    builds: pages.flatMap((page) => page.builds),
    hasMore: nextCursor !== null,
    more,
    loadMore,
    retry,
  };
}
