import { ApiError } from '@/lib/api-client';
import { apiErrorResponse, jsonResponse, requestedUrls, stubFetch } from '@/testing/fetch-stub';
import { makeRun, runSummary } from '@/testing/fixtures';
import { getRun, listRuns, runPath } from './runs-api';

describe('runs API', () => {
  it('encodes a free-text run id into one path segment', () => {
    expect(runPath('gh/1042 #2')).toBe('/api/v1/runs/gh%2F1042%20%232');
  });

  it('lists a page of runs with the cursor, treating an empty nextCursor as the last page', async () => {
    const summary = runSummary(makeRun());
    const fetchMock = stubFetch(() => jsonResponse({ runs: [summary], nextCursor: '' }));

    expect(await listRuns({ cursor: 'abc=' })).toEqual({ runs: [summary], nextCursor: null });
    expect(requestedUrls(fetchMock)).toEqual(['/api/v1/runs?limit=20&cursor=abc%3D']);
  });

  it('gets one run with its builds', async () => {
    const run = makeRun();
    stubFetch(() => jsonResponse(run));

    expect(await getRun('98765')).toEqual(run);
  });

  it('rejects with a 404 ApiError for an unknown run', async () => {
    stubFetch(() => apiErrorResponse(404, 'not_found', 'No such CI run.'));

    await expect(getRun('nope')).rejects.toEqual(new ApiError({ status: 404, code: 'not_found', message: 'No such CI run.' }));
  });

  it('rejects bodies that do not match the contract', async () => {
    stubFetch(() => jsonResponse({ runs: [{ ciRunId: 1 }], nextCursor: null }));
    await expect(listRuns()).rejects.toThrow('unexpected response for the list of CI runs');

    stubFetch(() => jsonResponse({ ...runSummary(makeRun()), builds: [{}] }));
    await expect(getRun('98765')).rejects.toThrow('unexpected response for CI run 98765');
  });
});
