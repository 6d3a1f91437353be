// The dev loop: from `npm run dev` to both servers answering (the Vite dev server, and the
// Go API through its /api proxy), and from saving a Go file to the API answering with
// the change (go-watch rebuilds and restarts it).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Benchmark } from './lib/bench';
import { freePort, startGroup, waitForHttp } from '@slipway/testing/src/processes';
import { machine } from './lib/results';
import { nxEnv, progress } from './lib/run';
import { summarize } from './lib/stats';
import { cloneHead } from './lib/workspace';

/** Go edits per dev session. */
const EDITS = 2;
const VERSION_LINE = 'var version = "dev"';

export const devLoop: Benchmark = {
  name: 'dev-loop',
  title: 'Dev loop: npm run dev to both servers answering; a saved Go file to the API answering with it',
  defaultRuns: 3,
  run: async ({ runs }) => {
    const m = machine();
    const clone = cloneHead('slipway-bench-dev-');
    const mainGo = 'go/apps/api/main.go';
    const original = clone.read(mainGo);
    if (!original.includes(VERSION_LINE)) throw new Error(`${mainGo} has no line \`${VERSION_LINE}\` to change`);
    const startup: number[] = [];
    const webFirst: number[] = [];
    const reload: number[] = [];
    try {
      for (let i = 1; i <= runs; i++) {
        clone.write(mainGo, original);
        const [webPort, apiPort] = [await freePort(), await freePort()];
        const web = `http://127.0.0.1:${webPort}`;
        const dataDir = mkdtempSync(join(tmpdir(), 'slipway-bench-dev-data-'));
        const t0 = performance.now();
        const dev = startGroup('npm', ['run', 'dev'], {
          cwd: clone.root,
          env: nxEnv({ NX_CACHE_DIRECTORY: join(clone.root, '.nx', 'cache'), WEB_PORT: String(webPort), API_PROXY_TARGET: `http://127.0.0.1:${apiPort}`, API_ADDR: `127.0.0.1:${apiPort}`, API_DATA_DIR: dataDir, API_WRITE_TOKENS: 'bench-token' }),
        });
        try {
          let webAt = 0;
          const webUp = waitForHttp(`${web}/`, dev, { ok: (s, body) => s === 200 && body.includes('id="root"'), timeoutMs: 300_000 }).then(() => (webAt = performance.now() - t0));
          await Promise.all([webUp, waitForHttp(`${web}/api/v1/images`, dev, { ok: (s) => s === 200, timeoutMs: 300_000 })]);
          const up = performance.now() - t0;
          startup.push(up);
          webFirst.push(webAt);
          progress(`dev-loop run ${i}/${runs}: both servers answering after ${(up / 1000).toFixed(1)} s (web alone ${(webAt / 1000).toFixed(1)} s)`);
          for (let e = 1; e <= EDITS; e++) {
            const version = `bench-${i}-${e}`;
            const t1 = performance.now();
            clone.write(mainGo, original.replace(VERSION_LINE, `var version = "${version}"`));
            await waitForHttp(`http://127.0.0.1:${apiPort}/healthz`, dev, { ok: (s, body) => s === 200 && body.includes(`"version":"${version}"`), timeoutMs: 120_000 });
            const ms = performance.now() - t1;
            reload.push(ms);
            progress(`dev-loop run ${i}/${runs}: Go edit ${e}: the API answered with it after ${(ms / 1000).toFixed(1)} s`);
          }
        } finally {
          await dev.stop();
          rmSync(dataDir, { recursive: true, force: true });
        }
      }
      return {
        machine: m,
        runs,
        editsPerRun: EDITS,
        note: 'Run 1 starts in a fresh clone (cold Nx project graph); later runs reuse its .nx/workspace-data and the Go build cache is shared.',
        samplesMs: { bothAnswering: startup, webAnswering: webFirst, goEditToApi: reload },
        summaryMs: { bothAnswering: summarize(startup), webAnswering: summarize(webFirst), goEditToApi: summarize(reload) },
      };
    } finally {
      clone.remove();
    }
  },
};
