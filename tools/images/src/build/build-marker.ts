import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../lib/json-file';

/**
 * What a docker-build that really ran leaves behind, outside its cached
 * outputs: a cache hit restores metadata.json but never this file, so
 * docker-publish can tell "built here" from "came from a cache".
 */
export interface BuildMarker {
  project: string;
  nxHash: string;
  digest: string;
  /** How long the build took. */
  durationMs: number;
}

/** Where the marker of a project lives: under tmp/, which no target caches. */
export function buildMarkerPath(workspaceRoot: string, project: string): string {
  return join(workspaceRoot, 'tmp', 'images', project, 'build-marker.json');
}

/** Records that docker-build ran in this workspace. */
export function writeBuildMarker(workspaceRoot: string, marker: BuildMarker): void {
  writeJsonAtomic(buildMarkerPath(workspaceRoot, marker.project), marker);
}

/** The marker of a project, or undefined when docker-build did not run here (or it was consumed). */
export function readBuildMarker(workspaceRoot: string, project: string): BuildMarker | undefined {
  const file = buildMarkerPath(workspaceRoot, project);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BuildMarker;
  } catch {
    return undefined; // unreadable: treat as no build here, which at worst says "reused"
  }
}

/** Removes the marker once a publish has accounted for the build, so a later cache hit reads as reuse. */
export function consumeBuildMarker(workspaceRoot: string, project: string): void {
  rmSync(buildMarkerPath(workspaceRoot, project), { force: true });
}
