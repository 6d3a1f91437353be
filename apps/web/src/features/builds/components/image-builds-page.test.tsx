import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { API_IMAGE, makeBuild } from '../../../testing/fixtures';
import { apiErrorResponse, jsonResponse, pending, requestedUrls, stubFetch } from '../../../testing/fetch-stub';
import { ImageBuildsPage } from './image-builds-page';

const BUILDS_URL = '/api/v1/images/registry.example%2Fns%2Fslipway-api/builds';

function renderPage() {
  return render(
    <MemoryRouter>
      <ImageBuildsPage image={API_IMAGE} />
    </MemoryRouter>,
  );
}

/** Data rows of the history table (the header row excluded). */
function bodyRows() {
  const [, body] = screen.getAllByRole('rowgroup');
  if (!body) throw new Error('the table has no body');
  return within(body).getAllByRole('row');
}

describe('ImageBuildsPage', () => {
  it("renders the image's history, newest first, with every column formatted", async () => {
    const fetchMock = stubFetch(() =>
      jsonResponse({
        builds: [
          makeBuild({ id: 2, durationMs: 123_000, minutesAgo: 3, ciRunId: '98765' }),
          makeBuild({
            id: 1,
            outcome: 'reused',
            durationMs: 1234,
            minutesAgo: 180,
            ciRunId: '',
            nxHash: 'abc123',
            tags: [],
          }),
        ],
        nextCursor: null,
      }),
    );
    renderPage();

    expect(await screen.findByRole('heading', { name: API_IMAGE })).toBeInTheDocument();
    const [newest, older] = bodyRows().map((row) => within(row));
    if (!newest || !older) throw new Error('expected two rows');

    expect(newest.getByText('3 minutes ago')).toBeInTheDocument();
    expect(newest.getByText('built')).toBeInTheDocument();
    expect(newest.getByText('sha256:abcd1234…')).toBeInTheDocument();
    expect(newest.getByText('main')).toBeInTheDocument();
    expect(newest.getByText('12.3 MB')).toBeInTheDocument();
    expect(newest.getByText('2 min 3 s')).toBeInTheDocument();
    expect(newest.getByTitle('3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3')).toHaveTextContent(/^3f2c1ab$/);
    expect(newest.getByTitle('12345678901234567890')).toHaveTextContent('1234567890…');
    expect(newest.getByText('98765')).toBeInTheDocument();

    expect(older.getByText('3 hours ago')).toBeInTheDocument();
    expect(older.getByText('reused')).toBeInTheDocument();
    expect(older.getByText('1.2 s')).toBeInTheDocument();
    expect(older.getByText('abc123')).toBeInTheDocument();
    expect(older.getAllByText('—')).toHaveLength(2); // no tags, no CI run

    expect(screen.getByRole('link', { name: '← All images' })).toHaveAttribute('href', '/');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(requestedUrls(fetchMock)).toEqual([`${BUILDS_URL}?limit=20`]);
  });

  it('appends the next page on "Load more", sending the cursor', async () => {
    const fetchMock = stubFetch((url) =>
      new URL(url, 'http://app.test').searchParams.get('cursor') === 'page-2'
        ? jsonResponse({ builds: [makeBuild({ id: 1, durationMs: 5000 })], nextCursor: null })
        : jsonResponse({ builds: [makeBuild({ id: 3 }), makeBuild({ id: 2 })], nextCursor: 'page-2' }),
    );
    renderPage();

    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));

    expect(await screen.findByText('5.0 s')).toBeInTheDocument();
    expect(bodyRows()).toHaveLength(3);
    expect(bodyRows()[2]).toHaveTextContent('5.0 s');
    expect(requestedUrls(fetchMock)).toEqual([`${BUILDS_URL}?limit=20`, `${BUILDS_URL}?limit=20&cursor=page-2`]);
    // The last page has no cursor, so there is nothing more to load.
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(screen.getByText('That is the whole history.')).toBeInTheDocument();
  });

  it('keeps the loaded builds and offers Load more again when an older page fails', async () => {
    let olderCalls = 0;
    stubFetch((url) => {
      if (!url.includes('cursor=')) return jsonResponse({ builds: [makeBuild({ id: 2 })], nextCursor: 'c' });
      olderCalls += 1;
      return olderCalls === 1
        ? apiErrorResponse(400, 'invalid_cursor', 'The cursor has expired.')
        : jsonResponse({ builds: [makeBuild({ id: 1, durationMs: 7000 })], nextCursor: null });
    });
    renderPage();

    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The cursor has expired.');
    expect(bodyRows()).toHaveLength(1);

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('7.0 s')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('announces loading', () => {
    stubFetch(pending);
    renderPage();

    expect(screen.getByRole('status')).toHaveTextContent('Loading builds…');
  });

  it('says "Unknown image" with a way back when the API answers 404', async () => {
    stubFetch(() => apiErrorResponse(404, 'not_found', 'No such image.'));
    renderPage();

    expect(await screen.findByText('Unknown image')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the overview' })).toHaveAttribute('href', '/');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it("shows other errors with the API's message and recovers on Retry", async () => {
    let calls = 0;
    stubFetch(() => {
      calls += 1;
      return calls === 1
        ? apiErrorResponse(500, 'internal', 'The ledger database is locked.')
        : jsonResponse({ builds: [makeBuild()], nextCursor: null });
    });
    renderPage();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The ledger database is locked.');
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));

    expect(await screen.findByText('12.3 MB')).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('says so when a known image has no builds', async () => {
    stubFetch(() => jsonResponse({ builds: [], nextCursor: null }));
    renderPage();

    expect(await screen.findByText('No builds recorded for this image yet')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
