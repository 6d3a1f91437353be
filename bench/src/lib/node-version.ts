import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './workspace';

/**
 * Refuses to measure under another Node major than the workspace's (`.nvmrc`, what CI and the
 * images run): the benchmarks time Nx, and Nx under Node 20 loads the workspace's TypeScript
 * plugins through swc and runs about a third slower than under Node 24.
 */
export function requireWorkspaceNode(version = process.version, nvmrc = readFileSync(join(repoRoot, '.nvmrc'), 'utf8')): void {
  const major = nvmrc.trim();
  if (!/^\d+$/.test(major)) throw new Error(`.nvmrc should hold a Node major such as 24, not "${major}"`);
  if (!version.startsWith(`v${major}.`)) {
    throw new Error(`the benchmarks run under the workspace's Node ${major} (.nvmrc), not ${version}: run eval "$(bash tools/node/use.sh)" first, then npm run bench again`);
  }
}
