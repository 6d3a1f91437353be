// The production images, started together as compose.yaml starts them (api with a data volume
// and write tokens; web proxying /api to it on a user-defined network), checked in Chromium.
// Needs a Docker engine with buildx (bash tools/image-harness/up.sh) and Chromium.
import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from './support/browser';
import { builtImage, dockerBuild, DockerResources, dockerEngineAvailable } from './support/containers';
import { ledgerFixture, postBuilds } from './support/ledger-fixture';
import { checkLedgerPages } from './support/ledger-pages';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const token = 'e2e-images-token';
const BUILD_TIMEOUT = 25 * 60_000;

async function waitForOk(url: string, timeoutMs: number, logs: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 within ${timeoutMs} ms:\n${logs()}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

describe.skipIf(!dockerEngineAvailable() || !chromiumAvailable())('production images: web and api together', () => {
  const docker = new DockerResources();
  let browser: Browser | undefined;
  let web = '';

  beforeAll(async () => {
    console.log('images: npx nx run-many -t docker-build -p web api (Nx cache hits when nothing changed)');
    dockerBuild(workspaceRoot, ['web', 'api']);
    const [apiImage, webImage] = [builtImage(workspaceRoot, 'api'), builtImage(workspaceRoot, 'web')];

    const id = `slipway-e2e-${process.pid}-${Date.now()}`;
    const network = docker.network(id);
    docker.run(`${id}-api`, [
      '--network', network, '--network-alias', 'api',
      '-e', `API_WRITE_TOKENS=${token}`,
      '--mount', 'type=volume,dst=/app/data',
      apiImage,
    ]);
    const webContainer = docker.run(`${id}-web`, [
      '--network', network,
      '-e', 'API_UPSTREAM=http://api:8080',
      '-p', '127.0.0.1::8080',
      webImage,
    ]);
    web = `http://${docker.hostAddress(webContainer)}`;
    await waitForOk(`${web}/api/v1/images`, 60_000, () => `${docker.logs(`${id}-api`)}\n${docker.logs(webContainer)}`);
    browser = await launchChromium();
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    docker.cleanup();
  });

  it('records builds through the web container /api proxy and shows them in the browser', async () => {
    if (!browser) throw new Error('Chromium did not start');
    const fixture = ledgerFixture(`images-${Date.now()}`);
    await postBuilds(web, token, fixture.builds);

    // The proxy must not accept writes the API would refuse.
    const refused = await fetch(`${web}/api/v1/builds`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);

    await checkLedgerPages(browser, web, fixture);
  });
});
