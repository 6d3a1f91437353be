import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { apiErrorResponse, jsonResponse, pending, requestedUrls, stubFetch } from '@/testing/fetch-stub';
import { makeBuild, makeRun, runSummary } from '@/testing/fixtures';
import { RunsPage } from './runs-page';

function renderPage() {
  return render(
    <MemoryRouter>
      <RunsPage />
    </MemoryRouter>,
  );
}

function rowOf(runId: string) {
  const row = screen.getByRole('link', { name: runId }).closest('tr');
  if (!row) throw new Error(`${runId} is not in a table row`);
  return within(row);
}

describe('RunsPage', () => {
  it('lists runs with their counts, wall time and build time, linking each run', async () => {
    const run = makeRun({
      ciRunId: 'gh-1042',
      startedAt: '2026-11-24T10:00:00Z',
      finishedAt: '2026-11-24T10:02:03Z',
      builds: [makeBuild({ outcome: 'built' }), makeBuild({ id: 2, outcome: 'reused' })],
      images: 2,
      built: 1,
      reused: 1,
      durationMs: 3_900_000,
    });
    const fetchMock = stubFetch(() => jsonResponse({ runs: [runSummary(run)], nextCursor: null }));
    renderPage();

    await screen.findByRole('link', { name: 'gh-1042' });
    const row = rowOf('gh-1042');
    expect(row.getByRole('link', { name: 'gh-1042' })).toHaveAttribute('href', '/runs/gh-1042');
    expect(row.getByTitle('3f2c1ab9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3')).toHaveTextContent(/^3f2c1ab$/);
    expect(row.getByText('2 min 3 s')).toBeInTheDocument();
    expect(row.getByText('1 h 5 min')).toBeInTheDocument();
    expect(row.getByText('2')).toBeInTheDocument();
    expect(row.getAllByText('1')).toHaveLength(2); // built, reused
    expect(screen.getByText('Those are all the CI runs.')).toBeInTheDocument();
    expect(requestedUrls(fetchMock)).toEqual(['/api/v1/runs?limit=20']);
  });

  it('pages through older runs with the cursor', async () => {
    const fetchMock = stubFetch((url) =>
      url.includes('cursor=')
        ? jsonResponse({ runs: [runSummary(makeRun({ ciRunId: 'older' }))], nextCursor: null })
        : jsonResponse({ runs: [runSummary(makeRun({ ciRunId: 'newer' }))], nextCursor: 'next page' }),
    );
    renderPage();

    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));

    expect(await screen.findByRole('link', { name: 'older' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'newer' })).toBeInTheDocument();
    expect(requestedUrls(fetchMock)).toEqual(['/api/v1/runs?limit=20', '/api/v1/runs?limit=20&cursor=next+page']);
  });

  it('announces loading', () => {
    stubFetch(pending);
    renderPage();

    expect(screen.getByRole('status')).toHaveTextContent('Loading CI runs…');
  });

  it('says when no run is recorded yet', async () => {
    stubFetch(() => jsonResponse({ runs: [], nextCursor: null }));
    renderPage();

    expect(await screen.findByText('No CI runs recorded yet')).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it("shows the API's message and recovers on Retry", async () => {
    let calls = 0;
    stubFetch(() => {
      calls += 1;
      return calls === 1
        ? apiErrorResponse(500, 'internal', 'The ledger database is locked.')
        : jsonResponse({ runs: [runSummary(makeRun())], nextCursor: null });
    });
    renderPage();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The ledger database is locked.');
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));

    expect(await screen.findByRole('link', { name: '98765' })).toBeInTheDocument();
  });
});
