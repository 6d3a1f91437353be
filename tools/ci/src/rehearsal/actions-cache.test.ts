import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { actionsCache, cacheFiles, savedEntries } from './actions-cache';
import type { JobSpace } from './github-run';

let root: string;
beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'slipway-actions-cache-'))));
afterEach(() => rmSync(root, { recursive: true, force: true }));

function workspaceData(name: string, files: Record<string, string>): string {
  const dir = join(root, name, 'nx/workspace-data');
  mkdirSync(dir, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
  return dir;
}

const space = (): JobSpace => ({ jobId: 'plan', cwd: root, runnerTemp: root, dockerConfig: root, env: {} });
const paths = (dir: string) => `${dir}/*.json\n${dir}/*.hash\n!${dir}/*.db`;

describe('cacheFiles', () => {
  it('takes the globs and leaves out what a ! line names', () => {
    const dir = workspaceData('a', { 'project-graph.json': '{}', 'vite-1.hash': 'h', 'x-v3.db': 'db', 'x-v3.lock': '' });
    expect(cacheFiles(`${paths(dir)}\n!${dir}/vite-*.hash`).map((f) => f.slice(dir.length + 1))).toEqual(['project-graph.json']);
  });
});

describe('actionsCache', () => {
  it("restores main's entry on a pull request's branch, and what the branch saves main never sees", () => {
    const cache = join(root, 'cache');
    const mainDir = workspaceData('main-job', { 'project-graph.json': '{"main":1}', 'eslint-1.hash': 'h', 'task-v3.db': 'db' });
    actionsCache(cache, 'main')['actions/cache/save']?.({ key: 'nx-graph-Linux-aaa', path: paths(mainDir) }, space());
    expect(savedEntries(cache)).toEqual([{ branch: 'main', key: 'nx-graph-Linux-aaa', files: ['eslint-1.hash', 'project-graph.json'] }]);

    rmSync(mainDir, { recursive: true });
    const pr = actionsCache(cache, 'feature/x');
    const s = space();
    pr['actions/cache/restore']?.({ key: 'nx-graph-Linux-bbb', 'restore-keys': 'nx-graph-Linux-' }, s);
    expect(s.env['REHEARSAL_CACHE_RESTORED']).toBe('nx-graph-Linux-aaa');
    expect(readFileSync(join(mainDir, 'project-graph.json'), 'utf8')).toBe('{"main":1}');

    pr['actions/cache/save']?.({ key: 'nx-graph-Linux-bbb', path: paths(mainDir) }, space());
    const m = space();
    actionsCache(cache, 'main')['actions/cache/restore']?.({ key: 'nx-graph-Linux-bbb', 'restore-keys': '' }, m);
    expect(m.env['REHEARSAL_CACHE_RESTORED']).toBe('');
  });
});
