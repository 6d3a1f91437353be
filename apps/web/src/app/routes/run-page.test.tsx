import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { stubLedgerApi } from '@/testing/fake-api';
import { apiErrorResponse, jsonResponse, pending, requestedUrls, stubFetch } from '@/testing/fetch-stub';
import { API_IMAGE, makeBuild, makeRun, WEB_IMAGE } from '@/testing/fixtures';
import { RunPage } from './run-page';

function renderPage(runId = '98765') {
  return render(
    <MemoryRouter>
      <RunPage runId={runId} />
    </MemoryRouter>,
  );
}

function rowOf(image: string) {
  const row = screen.getByRole('link', { name: image }).closest('tr');
  if (!row) throw new Error(`${image} is not in a table row`);
  return within(row);
}

describe('RunPage', () => {
  it('lists every image of the run, built or reused, with durations and sizes', async () => {
    const run = makeRun({
      ciRunId: 'gh/1042',
      startedAt: '2026-11-24T10:00:00Z',
      finishedAt: '2026-11-24T10:01:00Z',
      builds: [
        makeBuild({ id: 1, outcome: 'built', durationMs: 41_000, budgetBytes: 20_000_000 }),
        makeBuild({ id: 2, image: WEB_IMAGE, project: 'web', outcome: 'reused', durationMs: 850 }),
      ],
    });
    const fetchMock = stubLedgerApi({ runs: [run] });
    renderPage('gh/1042');

    expect(await screen.findByRole('heading', { name: 'CI run gh/1042' })).toBeInTheDocument();
    await screen.findByRole('link', { name: API_IMAGE });
    const api = rowOf(API_IMAGE);
    expect(api.getByRole('link', { name: API_IMAGE })).toHaveAttribute('href', '/images/registry.example%2Fns%2Fslipway-api');
    expect(api.getByText('built')).toBeInTheDocument();
    expect(api.getByText('41.0 s')).toBeInTheDocument();
    expect(api.getByText('62% of 20.0 MB')).toBeInTheDocument();
    const web = rowOf(WEB_IMAGE);
    expect(web.getByText('reused')).toBeInTheDocument();
    expect(web.getByText('850 ms')).toBeInTheDocument();

    expect(screen.getByText('2 · 1 built · 1 reused')).toBeInTheDocument();
    expect(screen.getByText('1 min')).toBeInTheDocument(); // wall time
    expect(screen.getByText('41.9 s')).toBeInTheDocument(); // build time, summed
    expect(screen.getByRole('link', { name: '← All CI runs' })).toHaveAttribute('href', '/runs');
    expect(requestedUrls(fetchMock)).toEqual(['/api/v1/runs/gh%2F1042']);
  });

  it('says "Unknown CI run" with a way back when the API answers 404', async () => {
    stubLedgerApi({ runs: [] });
    renderPage('nope');

    expect(await screen.findByText('Unknown CI run')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Back to the overview' })).toHaveAttribute('href', '/');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('announces loading', () => {
    stubFetch(pending);
    renderPage();

    expect(screen.getByRole('status')).toHaveTextContent('Loading the run…');
  });

  it("shows the API's message and recovers on Retry", async () => {
    let calls = 0;
    stubFetch(() => {
      calls += 1;
      return calls === 1 ? apiErrorResponse(503, 'store_unavailable', 'The build store is not reachable.') : jsonResponse(makeRun());
    });
    renderPage();

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The build store is not reachable.');
    await userEvent.click(within(alert).getByRole('button', { name: 'Retry' }));

    expect(await screen.findByRole('link', { name: API_IMAGE })).toBeInTheDocument();
  });

  it('reports a run that breaks the contract instead of crashing', async () => {
    stubFetch(() => jsonResponse({ ciRunId: '98765', builds: 'none' }));
    renderPage();

    expect(await screen.findByRole('alert')).toHaveTextContent('The API sent an unexpected response for CI run 98765.');
  });
});
