import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { API_IMAGE, makeBuild, makeImage } from '../../../testing/fixtures';
import { apiErrorResponse, jsonResponse, pending, requestedUrls, stubFetch } from '../../../testing/fetch-stub';
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
  it('lists each image with its latest build, formatted for people', async () => {
    const fetchMock = stubFetch(() =>
      jsonResponse({
        images: [
          makeImage({ buildCount: 3 }),
          makeImage({
            buildCount: 7,
            latest: makeBuild({
              id: 9,
              image: 'registry.example/ns/slipway-web',
              project: 'web',
              outcome: 'reused',
              sizeBytes: 48_200_000,
              digest: `sha256:ffee0011${'1'.repeat(56)}`,
              minutesAgo: 120,
            }),
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
    expect(row.getByText('main')).toBeInTheDocument();
    expect(row.getByText('12.3 MB')).toBeInTheDocument();
    expect(row.getByText('built')).toBeInTheDocument();
    expect(row.getByTitle('3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3')).toHaveTextContent(/^3f2c1ab$/);
    expect(row.getByText('3 minutes ago')).toHaveAttribute('title', expect.stringMatching(/ UTC$/));
    expect(row.getByText('3')).toBeInTheDocument();

    const webRow = rowOf('registry.example/ns/slipway-web');
    expect(webRow.getByText('reused')).toBeInTheDocument();
    expect(webRow.getByText('48.2 MB')).toBeInTheDocument();
    expect(webRow.getByText('2 hours ago')).toBeInTheDocument();
    expect(webRow.getByText('7')).toBeInTheDocument();

    expect(requestedUrls(fetchMock)).toEqual(['/api/v1/images']);
  });

  it('announces that images are loading', () => {
    stubFetch(pending);
    renderPage();

    expect(screen.getByRole('status')).toHaveTextContent('Loading images…');
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says no builds are recorded yet and how to post one', async () => {
    stubFetch(() => jsonResponse({ images: [] }));
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
        : jsonResponse({ images: [makeImage()] });
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
