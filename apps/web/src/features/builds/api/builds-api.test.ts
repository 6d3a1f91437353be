import { ApiError } from '@/lib/api-client';
import { apiErrorResponse, jsonResponse, requestedUrls, stubFetch } from '@/testing/fetch-stub';
import { API_IMAGE, makeBuild } from '@/testing/fixtures';
import { imageBuildsPath, listImageBuilds } from './builds-api';

describe('listImageBuilds', () => {
  it('puts the whole image name, slashes and port included, in one path segment', () => {
    expect(imageBuildsPath('registry.example:5000/ns/slipway-api')).toBe(
      '/api/v1/images/registry.example%3A5000%2Fns%2Fslipway-api/builds',
    );
  });

  it('sends the page size and cursor and returns the page', async () => {
    const build = makeBuild();
    const fetchMock = stubFetch(() => jsonResponse({ builds: [build], nextCursor: 'next' }));

    const page = await listImageBuilds(API_IMAGE, { cursor: 'abc=' });

    expect(page).toEqual({ builds: [build], nextCursor: 'next' });
    expect(requestedUrls(fetchMock)).toEqual([
      '/api/v1/images/registry.example%2Fns%2Fslipway-api/builds?limit=20&cursor=abc%3D',
    ]);
  });

  it('asks for one outcome only when given one', async () => {
    const fetchMock = stubFetch(() => jsonResponse({ builds: [], nextCursor: null }));

    await listImageBuilds(API_IMAGE, { outcome: 'reused', cursor: 'c' });

    expect(requestedUrls(fetchMock)).toEqual([
      '/api/v1/images/registry.example%2Fns%2Fslipway-api/builds?limit=20&outcome=reused&cursor=c',
    ]);
  });

  it('accepts builds with and without a budget', async () => {
    const builds = [makeBuild({ budgetBytes: 5_000_000 }), makeBuild({ budgetBytes: null }), makeBuild()];
    stubFetch(() => jsonResponse({ builds, nextCursor: null }));

    expect((await listImageBuilds(API_IMAGE)).builds).toEqual(builds);
  });

  it.each([null, '', undefined])('treats a nextCursor of %j as the last page', async (nextCursor) => {
    stubFetch(() => jsonResponse({ builds: [], nextCursor }));

    expect((await listImageBuilds(API_IMAGE)).nextCursor).toBeNull();
  });

  it('rejects with a 404 ApiError for an unknown image', async () => {
    stubFetch(() => apiErrorResponse(404, 'not_found', 'No such image.'));

    await expect(listImageBuilds('nope')).rejects.toEqual(
      new ApiError({ status: 404, code: 'not_found', message: 'No such image.' }),
    );
  });

  it('rejects a body that does not match the contract', async () => {
    stubFetch(() => jsonResponse({ builds: [{ id: 'one' }], nextCursor: null }));

    await expect(listImageBuilds(API_IMAGE)).rejects.toThrow('The API sent an unexpected response');
  });
});
