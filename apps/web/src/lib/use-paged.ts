import { useCallback, useEffect, useRef, useState } from 'react';
import { isAbortError } from './api-client';
import type { AsyncState } from './use-async';
import { useAsync } from './use-async';

/** One page of a keyset-paged list; `nextCursor` is null on the last page. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type LoadMoreState = { status: 'idle' } | { status: 'loading' } | { status: 'error'; error: unknown };

export interface PagedList<T> {
  /** State of the first page; older pages are appended to `items` once it has loaded. */
  first: AsyncState<Page<T>>;
  items: T[];
  hasMore: boolean;
  more: LoadMoreState;
  loadMore: () => void;
  retry: () => void;
}

/**
 * A list loaded one page at a time through `loadPage(cursor, signal)` (memoise it; a new
 * function starts over, so render the owner keyed by what it depends on).
 */
export function usePagedList<T>(
  loadPage: (cursor: string | null, signal: AbortSignal) => Promise<Page<T>>,
): PagedList<T> {
  const loadFirst = useCallback((signal: AbortSignal) => loadPage(null, signal), [loadPage]);
  const { state: first, retry: retryFirst } = useAsync(loadFirst);
  const [olderPages, setOlderPages] = useState<Page<T>[]>([]);
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
    loadPage(nextCursor, controller.signal)
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
    items: pages.flatMap((page) => page.items),
    hasMore: nextCursor !== null,
    more,
    loadMore,
    retry,
  };
}

/** The API's nextCursor is opaque; an empty or missing one means the last page, like null. */
export function parseNextCursor(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
