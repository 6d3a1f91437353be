import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { GoProject } from './go-projects';

/** What `go list -json` says of one package, reduced to what the graph needs. */
export interface GoPackage {
  ImportPath: string;
  Dir: string;
  Imports?: string[];
  GoFiles?: string[];
}

/** A project-to-project edge with the file that makes it. */
export interface GoEdge {
  source: string;
  target: string;
  sourceFile: string;
}

/** Runs `go list -json` over the module; test-only imports are not in `Imports`. */
export function listPackages(moduleDir: string): GoPackage[] {
  const out = execFileSync('go', ['list', '-e', '-json=ImportPath,Dir,Imports,GoFiles', './...'], {
    cwd: moduleDir,
    encoding: 'utf8',
    env: { ...process.env, GOFLAGS: '-mod=mod', GOWORK: 'off' },
    maxBuffer: 64 * 1024 * 1024,
  });
  // go list -json prints a stream of objects, not an array.
  return JSON.parse(`[${out.replace(/}\s*{/g, '},{')}]`) as GoPackage[];
}

/**
 * Turns package imports into project edges: an import from a package of
 * project A of a package of project B (A ≠ B) is an edge A → B.
 */
export function projectEdges(packages: GoPackage[], projects: GoProject[], workspaceRoot: string): GoEdge[] {
  const rootOf = (dir: string): GoProject | undefined =>
    projects.find((p) => dir === join(workspaceRoot, p.root) || dir.startsWith(join(workspaceRoot, p.root) + '/'));
  const byImport = new Map<string, GoProject>();
  for (const pkg of packages) {
    const owner = rootOf(pkg.Dir);
    if (owner) byImport.set(pkg.ImportPath, owner);
  }
  const seen = new Set<string>();
  const edges: GoEdge[] = [];
  for (const pkg of packages) {
    const source = rootOf(pkg.Dir);
    if (!source) continue;
    for (const imp of pkg.Imports ?? []) {
      const target = byImport.get(imp);
      if (!target || target.name === source.name) continue;
      const key = `${source.name}->${target.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      edges.push({ source: source.name, target: target.name, sourceFile: importingFile(pkg, imp, workspaceRoot) });
    }
  }
  return edges;
}

/** The first non-test file of the package that imports `imp`: Nx wants a real file for a static edge. */
function importingFile(pkg: GoPackage, imp: string, workspaceRoot: string): string {
  const files = pkg.GoFiles ?? [];
  const quoted = `"${imp}"`;
  const hit = files.find((f) => readFileSync(join(pkg.Dir, f), 'utf8').includes(quoted)) ?? files[0] ?? '';
  return relative(workspaceRoot, join(pkg.Dir, hit));
}
