import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphCachePaths, restoreGraphCache } from './graph-cache';

describe('restoreGraphCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'bench-graph-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("copies what the workflow's graph cache holds: the graph and the plugins' caches, never the task database", () => {
    const data = join(dir, 'main', '.nx', 'workspace-data');
    mkdirSync(data, { recursive: true });
    for (const f of ['project-graph.json', 'file-map.json', 'eslint-1.hash', 'abc-v3.db', 'abc-v3.lock', 'project-graph.lock', 'nx_files.nxt']) writeFileSync(join(data, f), f);
    const copied = restoreGraphCache(join(dir, 'main'), join(dir, 'fresh'));
    expect(copied.sort()).toEqual(['eslint-1.hash', 'file-map.json', 'project-graph.json']);
    expect(readdirSync(join(dir, 'fresh', '.nx', 'workspace-data')).sort()).toEqual(copied.sort());
  });

  it('fails, copying nothing, when the source has no graph cache', () => {
    expect(() => restoreGraphCache(join(dir, 'main'), join(dir, 'fresh'))).toThrow(/has no graph cache to restore/);
    expect(existsSync(join(dir, 'fresh'))).toBe(false);
  });

  it('fails with the reason when the workflow saves no graph cache', () => {
    const wf = join(dir, 'ci.yml');
    writeFileSync(wf, 'on: push\njobs:\n  plan:\n    steps:\n      - run: echo\n');
    expect(() => graphCachePaths(wf)).toThrow(/the plan job has no actions\/cache\/save step for the nx-graph- key/);
  });
});
