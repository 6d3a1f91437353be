// Saves docs/screenshots/overview.png: the overview of a seeded ledger, in Chromium.
// Starts the dev servers (`nx serve web`) on a fresh database filled by `nx run api:seed`,
// so the picture is the same history every time (fixed -seed and -end).
//   npx nx run web-e2e:screenshot
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { launchChromium } from './support/browser';

// Required, not imported: @slipway/testing is a CommonJS package, whose TypeScript swc-node's
// ESM loader cannot load; its require hook (the target's `-r @swc-node/register`) can.
const { freePort, startGroup, waitForHttp } = createRequire(import.meta.url)('@slipway/testing/src/processes') as typeof import('@slipway/testing/src/processes');

const workspaceRoot = resolve(import.meta.dirname, '../../..');
const output = join(workspaceRoot, 'docs/screenshots/overview.png');
// Relative times in the picture ("2 hours ago") are as of the moment it is taken.
const SEED_END = new Date(Math.floor(Date.now() / 3_600_000) * 3_600_000).toISOString();

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'slipway-screenshot-'));
  const env = { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', API_DATA_DIR: dataDir, DATABASE_URL: '' };
  try {
    console.log(`screenshot: seeding a ledger in ${dataDir}`);
    const seed = spawnSync('npx', ['nx', 'run', 'api:seed', '--outputStyle=stream', '--', '-seed', '1', '-end', SEED_END], {
      cwd: workspaceRoot,
      env,
      stdio: 'inherit',
    });
    if (seed.status !== 0) throw new Error('nx run api:seed failed (see above)');

    const [webPort, apiPort] = [await freePort(), await freePort()];
    const web = `http://127.0.0.1:${webPort}`;
    console.log(`screenshot: starting the dev servers on ${web}`);
    const dev = startGroup('npx', ['nx', 'serve', 'web', '--outputStyle=stream'], {
      cwd: workspaceRoot,
      env: { ...env, WEB_PORT: String(webPort), API_ADDR: `127.0.0.1:${apiPort}`, API_PROXY_TARGET: `http://127.0.0.1:${apiPort}` },
    });
    try {
      await waitForHttp(`${web}/api/v1/images`, dev);
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 400 }, deviceScaleFactor: 1 });
        await page.goto(`${web}/`);
        await page.locator('table tbody tr').first().waitFor({ timeout: 60_000 });
        mkdirSync(dirname(output), { recursive: true });
        await page.screenshot({ path: output, fullPage: true });
        console.log(`screenshot: wrote ${output}`);
      } finally {
        await browser.close();
      }
    } finally {
      await dev.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`screenshot: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
