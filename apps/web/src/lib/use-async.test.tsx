import { act, renderHook, waitFor } from '@testing-library/react';
import { useAsync } from './use-async';

describe('useAsync', () => {
  it('goes from loading to the loaded data', async () => {
    const load = vi.fn(async () => 'data');
    const { result } = renderHook(() => useAsync(load));

    expect(result.current.state).toEqual({ status: 'loading' });
    await waitFor(() => expect(result.current.state).toEqual({ status: 'success', data: 'data' }));
  });

  it('reports a rejection and loads again on retry', async () => {
    const load = vi
      .fn<(signal: AbortSignal) => Promise<string>>()
      .mockRejectedValueOnce(new Error('down'))
      .mockResolvedValueOnce('up');
    const { result } = renderHook(() => useAsync(load));
    await waitFor(() => expect(result.current.state).toMatchObject({ status: 'error', error: new Error('down') }));

    act(() => result.current.retry());

    expect(result.current.state).toEqual({ status: 'loading' });
    await waitFor(() => expect(result.current.state).toEqual({ status: 'success', data: 'up' }));
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('aborts the request when unmounted', () => {
    let signal: AbortSignal | undefined;
    const { unmount } = renderHook(() =>
      useAsync((s) => {
        signal = s;
        return new Promise<never>(() => undefined);
      }),
    );

    expect(signal?.aborted).toBe(false);
    unmount();
    expect(signal?.aborted).toBe(true);
  });
});
