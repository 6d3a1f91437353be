import { copyFileSync, mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cacheFiles } from '@slipway/ci/src/rehearsal/actions-cache';
import { loadWorkflow } from '@slipway/ci/src/rehearsal/workflow';
import { repoRoot } from './workspace';

/** How the workflow names the workspace data directory in its graph-cache paths. */
const DATA_DIR = '${{ runner.temp }}/nx/workspace-data';

/** The `path:` of the graph cache the workflow's plan job saves on main (docs/ci.md: the graph cache), as written. */
export function graphCachePaths(workflowFile = join(repoRoot, '.github', 'workflows', 'ci.yml')): string {
  const step = loadWorkflow(workflowFile).jobs['plan']?.steps.find(
    (s) => s.uses?.startsWith('actions/cache/save@') && String(s.with?.['key'] ?? '').startsWith('nx-graph-'),
  );
  const paths = step?.with?.['path'];
  if (typeof paths !== 'string') throw new Error(`${workflowFile}: the plan job has no actions/cache/save step for the nx-graph- key with a path`);
  return paths;
}

/**
 * What a CI job restores before it runs Nx: the files of `from`'s workspace data that the
 * workflow's graph cache holds (the project graph, the file map, the plugins' caches, never the
 * task database), copied into `to`'s `.nx/workspace-data`. Returns the names copied.
 */
export function restoreGraphCache(from: string, to: string, workflowFile?: string): string[] {
  const paths = graphCachePaths(workflowFile).replaceAll(DATA_DIR, join(from, '.nx', 'workspace-data'));
  if (paths.includes('${{')) throw new Error(`the graph cache's paths name something other than ${DATA_DIR}:\n${paths}`);
  const files = cacheFiles(paths);
  if (!files.length) throw new Error(`${from} has no graph cache to restore (.nx/workspace-data holds none of:\n${paths})`);
  const dest = join(to, '.nx', 'workspace-data');
  mkdirSync(dest, { recursive: true });
  for (const f of files) copyFileSync(f, join(dest, basename(f)));
  return files.map((f) => basename(f));
}
