import { jsonResponse, requestedUrls, stubFetch } from '@/testing/fetch-stub';
import { makeImage } from '@/testing/fixtures';
import { IMAGES_PAGE_SIZE, listImages } from './images-api';

describe('images API', () => {
  it('asks for a page of images with the cursor, treating an empty nextCursor as the last page', async () => {
    const image = makeImage();
    const fetchMock = stubFetch(() => jsonResponse({ images: [image], nextCursor: '' }));

    expect(await listImages({ cursor: 'aTE6MTo0Mg=' })).toEqual({ images: [image], nextCursor: null });
    expect(requestedUrls(fetchMock)).toEqual([`/api/v1/images?limit=${IMAGES_PAGE_SIZE}&cursor=aTE6MTo0Mg%3D`]);
  });

  it('passes on the cursor of the next page', async () => {
    stubFetch(() => jsonResponse({ images: [makeImage()], nextCursor: 'next' }));

    expect((await listImages()).nextCursor).toBe('next');
  });

  it('rejects bodies that do not match the contract', async () => {
    stubFetch(() => jsonResponse({ images: [{ image: 1 }], nextCursor: null }));
    await expect(listImages()).rejects.toThrow('unexpected response for the list of images');

    stubFetch(() => jsonResponse([makeImage()]));
    await expect(listImages()).rejects.toThrow('unexpected response for the list of images');
  });
});
