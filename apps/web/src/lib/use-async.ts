import { useCallback, useEffect, useState } from 'react';

export type AsyncState<T> =
  | { status: 'loading' }
  | { status: 'success'; data: T }
  | { status: 'error'; error: unknown };

export interface AsyncResult<T> {
  state: AsyncState<T>;
  /** Runs `load` again (shows loading meanwhile). */
  retry: () => void;
}

const LOADING = { status: 'loading' } as const;

/**
 * Runs `load` when mounted, whenever `load` changes (memoise it) and on retry; aborts the
 * request in flight when superseded or unmounted, so late answers never land.
 */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>): AsyncResult<T> {
  const [attempt, setAttempt] = useState(0);
  // Each result remembers which request produced it; anything older reads as loading.
  const [settled, setSettled] = useState<{
    load: typeof load;
    attempt: number;
    state: AsyncState<T>;
  } | null>(null);

  useEffect(() => {
    const controller = new AbortController();
    const settle = (state: AsyncState<T>) => {
      if (!controller.signal.aborted) setSettled({ load, attempt, state });
    };
    load(controller.signal).then(
      (data) => settle({ status: 'success', data }),
      (error: unknown) => settle({ status: 'error', error }),
    );
    return () => controller.abort();
  }, [load, attempt]);

  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const current = settled !== null && settled.load === load && settled.attempt === attempt;
  return { state: current ? settled.state : LOADING, retry };
}
