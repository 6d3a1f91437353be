import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { API_IMAGE, API_IMAGE_PATH, makeBuild, makeImage } from '../testing/fixtures';
import { jsonResponse, requestedUrls, stubFetch } from '../testing/fetch-stub';
import { App } from './app';

function renderAt(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <App />
    </MemoryRouter>,
  );
}

/** A tiny fake of the API's two read endpoints. */
function stubApi() {
  return stubFetch((url) => {
    if (url === '/api/v1/images') return jsonResponse({ images: [makeImage()] });
    if (url.startsWith('/api/v1/images/registry.example%2Fns%2Fslipway-api/builds')) {
      return jsonResponse({ builds: [makeBuild({ durationMs: 4200 })], nextCursor: null });
    }
    return jsonResponse({ error: { code: 'not_found', message: `unexpected ${url}` } }, 404);
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

  it('loads an image page entered directly by its encoded URL', async () => {
    const fetchMock = stubApi();
    renderAt(API_IMAGE_PATH);

    expect(await screen.findByRole('heading', { level: 2, name: API_IMAGE })).toBeInTheDocument();
    expect(await screen.findByText('4.2 s')).toBeInTheDocument();
    expect(requestedUrls(fetchMock)).toEqual([
      '/api/v1/images/registry.example%2Fns%2Fslipway-api/builds?limit=20',
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
