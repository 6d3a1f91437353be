import { ApiError, apiGet, buildUrl, errorMessage } from './api-client';

function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    ...init,
  });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('apiGet', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('requests the path with its query and returns the parsed body', async () => {
    const fetchMock = vi.fn(async () => jsonResponse({ images: [] }));
    vi.stubGlobal('fetch', fetchMock);

    const body = await apiGet('/api/v1/images/a%2Fb/builds', { query: { limit: 20, cursor: 'c1' } });

    expect(body).toEqual({ images: [] });
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/v1/images/a%2Fb/builds?limit=20&cursor=c1',
      expect.objectContaining({ headers: { Accept: 'application/json' } }),
    );
  });

  it('passes the abort signal to fetch', async () => {
    const fetchMock = vi.fn(async () => jsonResponse({}));
    vi.stubGlobal('fetch', fetchMock);
    const controller = new AbortController();

    await apiGet('/x', { signal: controller.signal });

    expect(fetchMock).toHaveBeenCalledWith('/x', expect.objectContaining({ signal: controller.signal }));
  });

  it('surfaces the message, code and fields of a JSON error body', async () => {
    vi.stubGlobal('fetch', async () =>
      jsonResponse(
        { error: { code: 'invalid_cursor', message: 'The cursor is not valid.', fields: { cursor: 'malformed' } } },
        { status: 400, statusText: 'Bad Request' },
      ),
    );

    const error = await rejection(apiGet('/x'));

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_cursor',
      message: 'The cursor is not valid.',
      fields: { cursor: 'malformed' },
    });
  });

  it('falls back to the status text when a proxy answers with HTML', async () => {
    vi.stubGlobal(
      'fetch',
      async () =>
        new Response('<html><body>502 Bad Gateway</body></html>', {
          status: 502,
          statusText: 'Bad Gateway',
          headers: { 'Content-Type': 'text/html' },
        }),
    );

    const error = await rejection(apiGet('/x'));

    expect(error).toMatchObject({ status: 502, code: 'http_error', message: 'Bad Gateway (HTTP 502)' });
  });

  it('still says something when there is neither a body nor a status text', async () => {
    vi.stubGlobal('fetch', async () => new Response(null, { status: 503 }));

    expect(await rejection(apiGet('/x'))).toMatchObject({ message: 'Request failed (HTTP 503)' });
  });

  it('ignores a JSON body that is not the error shape', async () => {
    vi.stubGlobal('fetch', async () => jsonResponse({ message: 'nope' }, { status: 500, statusText: 'Internal Server Error' }));

    expect(await rejection(apiGet('/x'))).toMatchObject({ message: 'Internal Server Error (HTTP 500)' });
  });

  it('turns a network failure into an ApiError', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });

    expect(await rejection(apiGet('/x'))).toMatchObject({ status: 0, code: 'network_error' });
  });

  it('rethrows an abort untouched', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new DOMException('The operation was aborted.', 'AbortError');
    });

    const error = await rejection(apiGet('/x'));

    expect(error).not.toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ name: 'AbortError' });
  });

  it('reports a successful response that is not JSON', async () => {
    vi.stubGlobal('fetch', async () => new Response('<!doctype html>', { status: 200 }));

    expect(await rejection(apiGet('/x'))).toMatchObject({ code: 'invalid_response' });
  });
});

describe('buildUrl', () => {
  it.each([
    ['', '/api/v1/images', {}, '/api/v1/images'],
    ['https://ledger.example.com', '/api/v1/images', {}, 'https://ledger.example.com/api/v1/images'],
    ['', '/b', { limit: 20, cursor: null }, '/b?limit=20'],
    ['', '/b', { cursor: 'a b&c' }, '/b?cursor=a+b%26c'],
  ])('joins %j + %j + %j as %j', (base, path, query, expected) => {
    expect(buildUrl(base, path, query)).toBe(expected);
  });
});

describe('errorMessage', () => {
  it('uses the message of an Error and a generic sentence otherwise', () => {
    expect(errorMessage(new Error('boom'))).toBe('boom');
    expect(errorMessage('weird')).toBe('Something went wrong.');
  });
});
