import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchChromium } from './support/browser';
import { ledgerFixture, postBuilds } from './support/ledger-fixture';
import { checkLedgerPages } from './support/ledger-pages';
import { freePort, startGroup, waitForHttp, type Group } from '@slipway/testing/src/processes';

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const token = 'e2e-write-token';

// `nx serve web` alone must bring up the Go API too (a continuous dependency),
// and the Vite dev server must proxy /api to it.
describe('dev servers: nx serve web', () => {
  let dev: Group;
  let web = '';
  let api = '';

  beforeAll(async () => {
    const [webPort, apiPort] = [await freePort(), await freePort()];
    web = `http://127.0.0.1:${webPort}`;
    api = `http://127.0.0.1:${apiPort}`;
    dev = startGroup('npx', ['nx', 'serve', 'web', '--outputStyle=stream'], {
      cwd: workspaceRoot,
      env: {
        ...process.env,
        NX_DAEMON: 'false',
        NX_TUI: 'false',
        WEB_PORT: String(webPort),
        API_PROXY_TARGET: api,
        API_ADDR: `127.0.0.1:${apiPort}`,
        API_DATA_DIR: mkdtempSync(join(tmpdir(), 'slipway-dev-')),
        API_WRITE_TOKENS: token,
      },
    });
    await waitForHttp(`${web}/`, dev);
    await waitForHttp(`${web}/api/v1/images`, dev);
  });

  afterAll(async () => {
    await dev?.stop();
  });

  describe.skipIf(!chromiumAvailable())('in Chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('shows recorded builds on the overview, an image page with its size chart, and a CI run', async () => {
      const fixture = ledgerFixture(`dev-${Date.now()}`);
      await postBuilds(web, token, fixture.builds);
      await checkLedgerPages(browser, web, fixture);
    });
  });

  it('serves the single-page app', async () => {
    const res = await fetch(`${web}/`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<div id="root">');
  });

  it('records a build posted through the dev server /api and lists it', async () => {
    const image = `registry.example/slipway/e2e-${Date.now()}`;
    const build = {
      project: 'api',
      image,
      digest: `sha256:${'ab'.repeat(32)}`,
      tags: ['1a2b3c4', 'main'],
      sizeBytes: 12_345_678,
      platform: 'linux/amd64',
      gitSha: '1a2b3c4d5e6f',
      nxHash: '1234567890',
      outcome: 'built',
      durationMs: 4321,
      ciRunId: 'e2e-1',
    };
    const post = await fetch(`${web}/api/v1/builds`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify(build),
    });
    expect(post.status, await post.clone().text()).toBe(201);

    const listed = (await (await fetch(`${web}/api/v1/images`)).json()) as {
      images: { image: string; latest: { digest: string; sizeBytes: number } }[];
    };
    const row = listed.images.find((i) => i.image === image);
    expect(row?.latest.digest).toBe(build.digest);
    expect(row?.latest.sizeBytes).toBe(build.sizeBytes);

    // The same record straight from the API: the proxy did not invent it.
    const direct = (await (await fetch(`${api}/api/v1/images`)).json()) as { images: { image: string }[] };
    expect(direct.images.map((i) => i.image)).toContain(image);
  });

  it('refuses a write without the token, through the proxy too', async () => {
    const res = await fetch(`${web}/api/v1/builds`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/token/i);
  });
});
