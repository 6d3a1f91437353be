import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { apiErrorResponse, jsonResponse, pending, requestedUrls, stubFetch } from '@/testing/fetch-stub';
import { API_IMAGE, makeBuild, makeImage, WEB_IMAGE } from '@/testing/fixtures';
import { ImagesPage } from './images-page';

/** The table row whose image link is named `image`. */
function rowOf(image: string) {
  const row = screen.getByRole('link', { name: image }).closest('tr');
  if (!row) throw new Error(`${image} is not in a table row`);
  return within(row);
}

function renderPage() {
  return render(
    <MemoryRouter>
      <ImagesPage />
    </MemoryRouter>,
  );
}

describe('ImagesPage', () => {
  it('lists each image with its latest digest, size against budget, last built/reused and reuse share', async () => {
    const fetchMock = stubFetch(() =>
      jsonResponse({
        images: [
          makeImage({ builds: 3, latest: makeBuild({ budgetBytes: 20_000_000 }), runs: { total: 4, reused: 3 } }),
          makeImage({
            builds: 7,
            latest: makeBuild({
              id: 9,
              image: WEB_IMAGE,
              project: 'web',
              outcome: 'reused',
              sizeBytes: 6_000_000,
              budgetBytes: 5_000_000,
              digest: `sha256:ffee0011${'1'.repeat(56)}`,
              minutesAgo: 120,
            }),
            lastBuiltAt: new Date(Date.now() - 3 * 24 * 3600_000).toISOString(),
            runs: { total: 0, reused: 0 },
          }),
        ],
      }),
    );
    renderPage();

    await screen.findByRole('link', { name: API_IMAGE });
    const row = rowOf(API_IMAGE);
    expect(row.getByRole('link', { name: API_IMAGE })).toHaveAttribute(
      'href',
      '/images/registry.example%2Fns%2Fslipway-api',
    );
    expect(row.getByText('api')).toBeInTheDocument();
    expect(row.getByText('sha256:abcd1234…')).toHaveAttribute('title', `sha256:abcd1234${'0'.repeat(56)}`);
    expect(row.getByText('12.3 MB')).toBeInTheDocument();
    expect(row.getByText('62% of 20.0 MB')).toBeInTheDocument();
    expect(row.queryByText(/over budget/)).not.toBeInTheDocument();
    expect(row.getByText('3 minutes ago')).toHaveAttribute('title', expect.stringMatching(/ UTC$/));
    expect(row.getByText('never')).toBeInTheDocument(); // never reused
    expect(row.getByText('75%')).toBeInTheDocument();
    expect(row.getByText('(3 of 4)')).toBeInTheDocument();
    expect(row.getByText('3')).toBeInTheDocument();

    const webRow = rowOf(WEB_IMAGE);
    expect(webRow.getByText('6.0 MB')).toBeInTheDocument();
    expect(webRow.getByText('120% of 5.0 MB')).toBeInTheDocument();
    expect(webRow.getByText(/over budget/)).toBeInTheDocument();
    expect(webRow.getByText('3 days ago')).toBeInTheDocument(); // last built
    expect(webRow.getByText('2 hours ago')).toBeInTheDocument(); // last reused: the latest build
    expect(webRow.getByText('in no CI run')).toBeInTheDocument();
    expect(webRow.getByText('7')).toBeInTheDocument();

    expect(screen.getByText('Those are all the images.')).toBeInTheDocument();
    expect(requestedUrls(fetchMock)).toEqual(['/api/v1/images?limit=50']);
  });

  it('pages through more images with the cursor', async () => {
    const fetchMock = stubFetch((url) =>
      url.includes('cursor=')
        ? jsonResponse({ images: [makeImage({ latest: makeBuild({ id: 2, image: WEB_IMAGE, project: 'web' }) })], nextCursor: null })
        : jsonResponse({ images: [makeImage()], nextCursor: 'aTE6MTo0Mg' }),
    );
    renderPage();

    expect(await screen.findByRole('link', { name: API_IMAGE })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: WEB_IMAGE })).not.toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));

    expect(await screen.findByRole('link', { name: WEB_IMAGE })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: API_IMAGE })).toBeInTheDocument();
    expect(screen.getByText('Those are all the images.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(requestedUrls(fetchMock)).toEqual(['/api/v1/images?limit=50', '/api/v1/images?limit=50&cursor=aTE6MTo0Mg']);
  });

  it('keeps the loaded images when a later page fails, and says so', async () => {
    stubFetch((url) =>
      url.includes('cursor=')
        ? apiErrorResponse(500, 'internal_error', 'An internal error occurred.')
        : jsonResponse({ images: [makeImage()], nextCursor: 'next' }),
    );
    renderPage();

    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));

    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load older images');
    expect(screen.getByRole('link', { name: API_IMAGE })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Load more' })).toBeEnabled();
  });

  it('announces that images are loading', () => {
    stubFetch(pending);
    renderPage();

    expect(screen.getByRole('status')).toHaveTextContent('Loading images…');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says no builds are recorded yet and how to post one', async () => {
    stubFetch(() => jsonResponse({ images: [], nextCursor: null }));
    renderPage();

    expect(await screen.findByText('No builds recorded yet')).toBeInTheDocument();
    expect(screen.getByText(/curl --json @build\.json .*\/api\/v1\/builds/)).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
    expect(screen.queryByRole('status')).not.toBeInTheDocument();
  });

  it("shows the API's message and recovers on Retry", async () => {
    let calls = 0;
    const fetchMock = stubFetch(() => {
      calls += 1;
      return calls === 1
        ? apiErrorResponse(503, 'store_unavailable', 'The build store is not reachable.')
        : jsonResponse({ images: [makeImage()], nextCursor: null });
    });
    renderPage();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The build store is not reachable.');

    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));

    expect(await screen.findByRole('link', { name: API_IMAGE })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(fetchMock).toHaveBeenCalledTimes(2);
  });

  it('falls back to the status text when the API is down behind the proxy', async () => {
    stubFetch(() => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    renderPage();

    expect(await screen.findByRole('alert')).toHaveTextContent('Bad Gateway (HTTP 502)');
  });

  it('reports a response that breaks the contract instead of crashing', async () => {
    stubFetch(() => jsonResponse({ images: [{ image: 'x' }] }));
    renderPage();

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'The API sent an unexpected response for the list of images.',
    );
  });
});
