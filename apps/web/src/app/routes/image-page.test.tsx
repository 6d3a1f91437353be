import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter, useLocation } from 'react-router';
import { stubLedgerApi } from '@/testing/fake-api';
import { apiErrorResponse, jsonResponse, pending, requestedUrls, stubFetch } from '@/testing/fetch-stub';
import { API_IMAGE, makeBuild, makeSizePoint } from '@/testing/fixtures';
import { ImagePage } from './image-page';

const BUILDS_URL = '/api/v1/images/registry.example%2Fns%2Fslipway-api/builds';
const SIZES_URL = '/api/v1/images/registry.example%2Fns%2Fslipway-api/sizes?limit=200';

function Location() {
  const { search } = useLocation();
  return <output aria-label="location">{search}</output>;
}

function renderPage(entry = '/') {
  return render(
    <MemoryRouter initialEntries={[entry]}>
      <ImagePage image={API_IMAGE} />
      <Location />
    </MemoryRouter>,
  );
}

/** Data rows of the history table (the header row excluded). */
function bodyRows() {
  const table = screen.getByRole('region', { name: 'Builds, newest first' });
  const [, body] = within(table).getAllByRole('rowgroup');
  if (!body) throw new Error('the table has no body');
  return within(body).getAllByRole('row');
}

/** Builds answer from `builds`, sizes from `points`; everything else fails the test. */
function stubImage(builds: (url: URL) => Response, points = [makeSizePoint()]) {
  return stubFetch((raw) => {
    const url = new URL(raw, 'http://app.test');
    if (url.pathname.endsWith('/sizes')) return jsonResponse({ image: API_IMAGE, points });
    return builds(url);
  });
}

describe('ImagePage', () => {
  it("renders the image's history, newest first, with every column formatted", async () => {
    const fetchMock = stubImage(() =>
      jsonResponse({
        builds: [
          makeBuild({ id: 2, durationMs: 123_000, minutesAgo: 3, ciRunId: '98765', budgetBytes: 20_000_000 }),
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
    await screen.findByRole('region', { name: 'Builds, newest first' });
    const [newest, older] = bodyRows().map((row) => within(row));
    if (!newest || !older) throw new Error('expected two rows');

    expect(newest.getByText('3 minutes ago')).toBeInTheDocument();
    expect(newest.getByText('built')).toBeInTheDocument();
    expect(newest.getByText('sha256:abcd1234…')).toBeInTheDocument();
    expect(newest.getByText('main')).toBeInTheDocument();
    expect(newest.getByText('12.3 MB')).toBeInTheDocument();
    expect(newest.getByText('62% of 20.0 MB')).toBeInTheDocument();
    expect(newest.getByText('2 min 3 s')).toBeInTheDocument();
    expect(newest.getByTitle('3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3')).toHaveTextContent(/^3f2c1ab$/);
    expect(newest.getByTitle('12345678901234567890')).toHaveTextContent('1234567890…');
    expect(newest.getByRole('link', { name: '98765' })).toHaveAttribute('href', '/runs/98765');

    expect(older.getByText('3 hours ago')).toBeInTheDocument();
    expect(older.getByText('reused')).toBeInTheDocument();
    expect(older.getByText('no budget')).toBeInTheDocument();
    expect(older.getByText('1.2 s')).toBeInTheDocument();
    expect(older.getByText('abc123')).toBeInTheDocument();
    expect(older.getAllByText('—')).toHaveLength(2); // no tags, no CI run

    expect(screen.getByRole('link', { name: '← All images' })).toHaveAttribute('href', '/');
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    // The history's first page, the latest build's evidence, the chart.
    expect(requestedUrls(fetchMock).sort()).toEqual([`${BUILDS_URL}?limit=1`, `${BUILDS_URL}?limit=20`, SIZES_URL]);
  });

  it("shows the latest build's signature and SBOM above the chart, and each build's in its row", async () => {
    const sbom = `sha256:9d8c7b6a${'5'.repeat(56)}`;
    const signed = makeBuild({ id: 3, minutesAgo: 2, signed: true, sbomPackages: 87, sbomDigest: sbom });
    const reused = makeBuild({ id: 2, outcome: 'reused', minutesAgo: 30, signed: false, sbomPackages: 12, sbomDigest: sbom });
    const old = makeBuild({ id: 1, outcome: 'reused', minutesAgo: 600 });
    stubImage((url) => {
      const outcome = url.searchParams.get('outcome');
      const builds = [signed, reused, old].filter((b) => !outcome || b.outcome === outcome);
      return jsonResponse({ builds: builds.slice(0, Number(url.searchParams.get('limit'))), nextCursor: null });
    });
    renderPage('/?outcome=reused');

    const latest = await screen.findByLabelText("Latest build's supply chain");
    expect(within(latest).getByText('signed')).toBeInTheDocument();
    expect(within(latest).getByText('87 packages')).toBeInTheDocument();
    expect(within(latest).getByTitle(sbom)).toHaveTextContent('sha256:9d8c7b6a…');

    // The filtered history shows only reused builds; the latest build above stays the signed one.
    await screen.findByRole('region', { name: 'Builds, newest first' });
    const [first, second] = bodyRows().map((row) => within(row));
    if (!first || !second) throw new Error('expected two rows');
    expect(first.getByText('unsigned')).toBeInTheDocument();
    expect(first.getByText('12 packages')).toBeInTheDocument();
    expect(second.getByText('not reported')).toBeInTheDocument();
  });

  it('loads the size chart for the most recent builds', async () => {
    stubImage(
      () => jsonResponse({ builds: [makeBuild()], nextCursor: null }),
      [makeSizePoint({ minutesAgo: 30 }), makeSizePoint({ minutesAgo: 20 }), makeSizePoint({ minutesAgo: 10 })],
    );
    renderPage();

    const figure = await screen.findByRole('figure');
    expect(figure).toHaveTextContent('The last 3 builds, oldest left');
    // The chart module loads lazily. Recharts sizes it to the figure, which jsdom gives no
    // width, so the drawing itself is checked in size-chart.test.tsx and the browser tests.
    // The first import of Recharts is slow under Vitest's transform, hence the long wait.
    await waitFor(() => expect(figure.querySelector('[class^="recharts"]')).not.toBeNull(), { timeout: 15_000 });
    expect(within(figure).queryByText('Drawing the chart…')).not.toBeInTheDocument();
  });

  it('filters by outcome through the URL and asks the API for that outcome only', async () => {
    const fetchMock = stubImage((url) =>
      url.searchParams.get('outcome') === 'reused'
        ? jsonResponse({ builds: [makeBuild({ id: 1, outcome: 'reused', durationMs: 9000 })], nextCursor: null })
        : jsonResponse({ builds: [makeBuild({ id: 2 }), makeBuild({ id: 1, outcome: 'reused' })], nextCursor: null }),
    );
    renderPage();
    await screen.findByRole('region', { name: 'Builds, newest first' });
    expect(bodyRows()).toHaveLength(2);

    await userEvent.selectOptions(screen.getByRole('combobox', { name: 'Outcome' }), 'Reused');

    expect(await screen.findByText('9.0 s')).toBeInTheDocument();
    expect(bodyRows()).toHaveLength(1);
    expect(screen.getByRole('status', { name: 'location' })).toHaveTextContent('?outcome=reused');
    expect(requestedUrls(fetchMock)).toContain(`${BUILDS_URL}?limit=20&outcome=reused`);
  });

  it('starts filtered when the URL says so, and ignores an outcome it does not know', async () => {
    const fetchMock = stubImage(() => jsonResponse({ builds: [], nextCursor: null }));
    const { unmount } = renderPage('/images/x?outcome=built');

    expect(await screen.findByText('No built builds recorded for this image')).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Outcome' })).toHaveValue('built');
    expect(requestedUrls(fetchMock)).toContain(`${BUILDS_URL}?limit=20&outcome=built`);
    unmount();

    renderPage('/images/x?outcome=bogus');
    expect(await screen.findByText('No builds recorded for this image yet')).toBeInTheDocument();
    expect(requestedUrls(fetchMock).at(-1)).not.toContain('outcome=');
  });

  it('appends the next page on "Load more", sending the cursor', async () => {
    const fetchMock = stubImage((url) =>
      url.searchParams.get('cursor') === 'page-2'
        ? jsonResponse({ builds: [makeBuild({ id: 1, durationMs: 5000 })], nextCursor: null })
        : jsonResponse({ builds: [makeBuild({ id: 3 }), makeBuild({ id: 2 })], nextCursor: 'page-2' }),
    );
    renderPage();

    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));

    expect(await screen.findByText('5.0 s')).toBeInTheDocument();
    expect(bodyRows()).toHaveLength(3);
    expect(bodyRows()[2]).toHaveTextContent('5.0 s');
    expect(requestedUrls(fetchMock)).toContain(`${BUILDS_URL}?limit=20&cursor=page-2`);
    // The last page has no cursor, so there is nothing more to load.
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(screen.getByText('That is the whole history.')).toBeInTheDocument();
  });

  it('keeps the loaded builds and offers Load more again when an older page fails', async () => {
    let olderCalls = 0;
    stubImage((url) => {
      if (!url.searchParams.has('cursor')) return jsonResponse({ builds: [makeBuild({ id: 2 })], nextCursor: 'c' });
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

  it('announces loading of both the chart and the history', () => {
    stubFetch(pending);
    renderPage();

    const statuses = screen.getAllByRole('status').map((status) => status.textContent);
    expect(statuses).toEqual(expect.arrayContaining(['Loading sizes…', 'Loading builds…']));
  });

  it('says "Unknown image" with a way back, and draws no chart, when the API answers 404', async () => {
    stubLedgerApi({});
    renderPage();

    expect(await screen.findByText('Unknown image')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the overview' })).toHaveAttribute('href', '/');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Size over time' })).not.toBeInTheDocument();
  });

  it("shows other errors with the API's message and recovers on Retry", async () => {
    let calls = 0;
    stubImage((url) => {
      // The latest build's evidence is read on its own (limit=1) and says nothing when it fails.
      if (url.searchParams.get('limit') === '1') return jsonResponse({ builds: [makeBuild()], nextCursor: null });
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

  it('shows a failed chart as an alert of its own, leaving the history usable', async () => {
    stubFetch((raw) =>
      raw.includes('/sizes')
        ? apiErrorResponse(503, 'store_unavailable', 'The build store is not reachable.')
        : jsonResponse({ builds: [makeBuild()], nextCursor: null }),
    );
    renderPage();

    expect(await screen.findByRole('alert')).toHaveTextContent('Could not load sizes');
    expect(await screen.findByText('12.3 MB')).toBeInTheDocument();
  });

  it('says so when a known image has no builds', async () => {
    stubImage(() => jsonResponse({ builds: [], nextCursor: null }));
    renderPage();

    expect(await screen.findByText('No builds recorded for this image yet')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
