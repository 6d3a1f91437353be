import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runNx } from '@slipway/testing/src/nx-runner';
import { copyWorkspace, type WorkspaceCopy } from '@slipway/testing/src/workspace-copy';

// What Nx sets per invocation, or what this test sets per run: everything else a task sees must
// not depend on whether the graph was cold or warm, or on where the plugins ran.
const PER_RUN = new Set(['NX_INVOCATION_ROOT_PID', 'NX_ISOLATE_PLUGINS', 'NX_WORKSPACE_DATA_DIRECTORY', 'PROBE_OUT']);

let ws: WorkspaceCopy;
let scratch: string;

beforeAll(() => {
  ws = copyWorkspace('slipway-task-env-');
  scratch = mkdtempSync(join(tmpdir(), 'slipway-task-env-out-'));
  mkdirSync(join(ws.root, 'tools/env-probe'), { recursive: true });
  const print = `node -e "require('fs').writeFileSync(process.env.PROBE_OUT, JSON.stringify(process.env))"`;
  writeFileSync(
    join(ws.root, 'tools/env-probe/project.json'),
    JSON.stringify({ name: 'env-probe', targets: { print: { command: print, cache: false } } }),
  );
  ws.commit('a project that writes down the environment its task gets');
});

afterAll(() => {
  ws?.remove();
  rmSync(scratch, { recursive: true, force: true });
});

function taskEnv(isolate: boolean, graph: 'cold' | 'warm', workspaceData: string): Record<string, string> {
  const out = join(scratch, `${isolate ? 'isolated' : 'in-process'}-${graph}.json`);
  // The outer test runner sets NODE_ENV=test; a CI shell does not set it at all.
  const saved = process.env.NODE_ENV;
  delete process.env.NODE_ENV;
  try {
    const run = runNx(ws.root, ['run', 'env-probe:print'], {
      NX_ISOLATE_PLUGINS: String(isolate),
      NX_WORKSPACE_DATA_DIRECTORY: workspaceData,
      PROBE_OUT: out,
    });
    expect(run.status, run.output).toBe(0);
  } finally {
    if (saved !== undefined) process.env.NODE_ENV = saved;
  }
  const env = JSON.parse(readFileSync(out, 'utf8')) as Record<string, string>;
  return Object.fromEntries(Object.entries(env).filter(([k]) => !PER_RUN.has(k)));
}

describe("a task's environment", () => {
  it('is the same on a cold and a warm graph, with isolated and in-process plugins', () => {
    const seen: Record<string, Record<string, string>> = {};
    for (const isolate of [true, false]) {
      const workspaceData = mkdtempSync(join(scratch, 'workspace-data-'));
      for (const graph of ['cold', 'warm'] as const) seen[`${isolate ? 'isolated' : 'in-process'}, ${graph}`] = taskEnv(isolate, graph, workspaceData);
    }
    // Vite's resolveConfig, run by the Vite and Vitest inference on a cold graph, sets NODE_ENV
    // when it is unset: in-process, that reached every task of the run.
    for (const [run, env] of Object.entries(seen)) expect(env.NODE_ENV, run).toBeUndefined();
    const [first, ...rest] = Object.values(seen);
    for (const env of rest) expect(env).toEqual(first);
  });
});

describe("the workspace's plugins", () => {
  it("load under the workspace's Node without its ES-module warning", () => {
    // Node 24 strips types natively; Nx tries that first unless the workspace's .env says otherwise.
    expect(process.features.typescript, `Node ${process.version} strips no types: run the tests under the workspace's Node (.nvmrc)`).toBeTruthy();
    const run = runNx(ws.root, ['show', 'projects'], { NX_WORKSPACE_DATA_DIRECTORY: mkdtempSync(join(scratch, 'workspace-data-')) });
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('nx-plugins');
    expect(run.output).not.toMatch(/Failed to load the ES module|ExperimentalWarning/);
  });
});
