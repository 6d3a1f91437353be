import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { stubLedgerApi } from '@/testing/fake-api';
import { requestedUrls } from '@/testing/fetch-stub';
import { API_IMAGE, API_IMAGE_PATH, makeBuild, makeImage, makeRun, makeSizePoint } from '@/testing/fixtures';
import { App } from './app';

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <App />
    </MemoryRouter>,
  );
}

function stubApi() {
  return stubLedgerApi({
    images: [makeImage()],
    builds: { [API_IMAGE]: [makeBuild({ durationMs: 4200 })] },
    sizes: { [API_IMAGE]: [makeSizePoint()] },
    runs: [makeRun({ ciRunId: 'gh-7', builds: [makeBuild({ durationMs: 61_000 })] })],
  });
}

describe('App', () => {
  it('shows the app header, linking home, around the overview', async () => {
    stubApi();
    renderAt('/');

    expect(screen.getByRole('heading', { level: 1, name: 'Slipway — build ledger' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Slipway — build ledger' })).toHaveAttribute('href', '/');
    expect(await screen.findByRole('link', { name: API_IMAGE })).toBeInTheDocument();
  });

  it('opens an image from the overview; its slashed name round-trips through the URL', async () => {
    const fetchMock = stubApi();
    renderAt('/');

    await userEvent.click(await screen.findByRole('link', { name: API_IMAGE }));

    expect(await screen.findByRole('heading', { level: 2, name: API_IMAGE })).toBeInTheDocument();
    expect(await screen.findByText('4.2 s')).toBeInTheDocument();
    expect(requestedUrls(fetchMock)).toContain(
      '/api/v1/images/registry.example%2Fns%2Fslipway-api/builds?limit=20',
    );
  });

  it('goes from the nav to the CI runs, to a run, and on to an image of it', async () => {
    stubApi();
    renderAt('/');

    await userEvent.click(screen.getByRole('link', { name: 'CI runs' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'CI runs' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'CI runs' })).toHaveAttribute('aria-current', 'page');

    await userEvent.click(await screen.findByRole('link', { name: 'gh-7' }));
    expect(await screen.findByRole('heading', { level: 2, name: 'CI run gh-7' })).toBeInTheDocument();
    expect(await screen.findAllByText('1 min 1 s')).toHaveLength(2); // the build's duration and the run's build time

    await userEvent.click(screen.getByRole('link', { name: API_IMAGE }));
    expect(await screen.findByRole('heading', { level: 2, name: API_IMAGE })).toBeInTheDocument();
  });

  it('loads an image page entered directly by its encoded URL', async () => {
    const fetchMock = stubApi();
    renderAt(API_IMAGE_PATH);

    expect(await screen.findByRole('heading', { level: 2, name: API_IMAGE })).toBeInTheDocument();
    expect(await screen.findByText('4.2 s')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Images' })).toHaveClass('active');
    expect(screen.getByRole('link', { name: 'CI runs' })).not.toHaveClass('active');
    expect(requestedUrls(fetchMock).sort()).toEqual([
      '/api/v1/images/registry.example%2Fns%2Fslipway-api/builds?limit=1',
      '/api/v1/images/registry.example%2Fns%2Fslipway-api/builds?limit=20',
      '/api/v1/images/registry.example%2Fns%2Fslipway-api/sizes?limit=200',
    ]);
  });

  it('goes back to the overview from an image page', async () => {
    stubApi();
    renderAt(API_IMAGE_PATH);

    await userEvent.click(await screen.findByRole('link', { name: '← All images' }));

    expect(await screen.findByRole('heading', { level: 2, name: 'Images' })).toBeInTheDocument();
  });

  it('shows a not-found page for unknown addresses, without calling the API', () => {
    const fetchMock = stubApi();
    renderAt('/no/such/page');

    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Go to the overview' })).toHaveAttribute('href', '/');
    expect(fetchMock).not.toHaveBeenCalled();
  });
});
