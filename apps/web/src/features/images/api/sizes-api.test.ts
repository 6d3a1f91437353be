import { ApiError } from '@/lib/api-client';
import { apiErrorResponse, jsonResponse, requestedUrls, stubFetch } from '@/testing/fetch-stub';
import { API_IMAGE, makeSizePoint } from '@/testing/fixtures';
import { listImageSizes } from './sizes-api';

describe('listImageSizes', () => {
  it('asks for the most recent 200 points of the encoded image and returns them in order', async () => {
    const points = [makeSizePoint({ minutesAgo: 10 }), makeSizePoint({ minutesAgo: 5, budgetBytes: null })];
    const fetchMock = stubFetch(() => jsonResponse({ image: API_IMAGE, points }));

    expect(await listImageSizes(API_IMAGE)).toEqual(points);
    expect(requestedUrls(fetchMock)).toEqual(['/api/v1/images/registry.example%2Fns%2Fslipway-api/sizes?limit=200']);
  });

  it('rejects with a 404 ApiError for an unknown image', async () => {
    stubFetch(() => apiErrorResponse(404, 'not_found', 'No such image.'));

    await expect(listImageSizes('nope')).rejects.toBeInstanceOf(ApiError);
  });

  it.each([{ image: API_IMAGE }, { points: [{ sizeBytes: '12' }] }, { points: [makeSizePoint({ outcome: 'lost' as never })] }])(
    'rejects a body that does not match the contract: %j',
    async (body) => {
      stubFetch(() => jsonResponse(body));

      await expect(listImageSizes(API_IMAGE)).rejects.toThrow(`unexpected response for the sizes of ${API_IMAGE}`);
    },
  );
});
