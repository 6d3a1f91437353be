import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { GoProject } from './go-projects';

/** What `go list -json` says of one package, reduced to what the graph needs. */
export interface GoPackage {
  ImportPath: string;
  Dir: string;
  Imports?: string[];
  TestImports?: string[];
  XTestImports?: string[];
  GoFiles?: string[];
  TestGoFiles?: string[];
  XTestGoFiles?: string[];
}

/** A project-to-project edge with the file that makes it. */
export interface GoEdge {
  source: string;
  target: string;
  sourceFile: string;
  /** Only test files import the target: it reaches the tests, never the binary. */
  testOnly: boolean;
}

/** Runs `go list -json` over the module; test-only imports are not in `Imports`. */
export function listPackages(moduleDir: string): GoPackage[] {
  const out = execFileSync('go', ['list', '-e', '-json=ImportPath,Dir,Imports,TestImports,XTestImports,GoFiles,TestGoFiles,XTestGoFiles', './...'], {
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
  const edges = new Map<string, GoEdge>();
  const add = (pkg: GoPackage, imp: string, testOnly: boolean) => {
    const source = rootOf(pkg.Dir);
    const target = byImport.get(imp);
    if (!source || !target || target.name === source.name) return;
    const key = `${source.name}->${target.name}`;
    const known = edges.get(key);
    // A production import wins over a test-only one.
    if (known && (testOnly || !known.testOnly)) return;
    const files = testOnly ? [...(pkg.TestGoFiles ?? []), ...(pkg.XTestGoFiles ?? [])] : (pkg.GoFiles ?? []);
    edges.set(key, { source: source.name, target: target.name, sourceFile: importingFile(pkg.Dir, files, imp, workspaceRoot), testOnly });
  };
  for (const pkg of packages) {
    for (const imp of pkg.Imports ?? []) add(pkg, imp, false);
    for (const imp of [...(pkg.TestImports ?? []), ...(pkg.XTestImports ?? [])]) add(pkg, imp, true);
  }
  return [...edges.values()];
}

/** The first of `files` that imports `imp`: Nx wants a real file for a static edge. */
function importingFile(dir: string, files: string[], imp: string, workspaceRoot: string): string {
  const quoted = `"${imp}"`;
  const hit = files.find((f) => readFileSync(join(dir, f), 'utf8').includes(quoted)) ?? files[0] ?? '';
  return relative(workspaceRoot, join(dir, hit));
}
