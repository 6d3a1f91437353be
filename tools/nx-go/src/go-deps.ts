import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import type { GoProject } from './go-projects';

/** The module a package belongs to, as `go list` reports it. */
export interface GoModuleRef {
  Path: string;
  Version?: string;
  Main?: boolean;
  Replace?: { Path: string; Version?: string };
}

/** What `go list -json` says of one package, reduced to what the graph and the image inputs need. */
export interface GoPackage {
  ImportPath: string;
  Dir: string;
  Name?: string;
  Standard?: boolean;
  Module?: GoModuleRef;
  /** Every package the package's build links, recursively (import paths). */
  Deps?: string[];
  Imports?: string[];
  TestImports?: string[];
  XTestImports?: string[];
  GoFiles?: string[];
  TestGoFiles?: string[];
  XTestGoFiles?: string[];
  /** Go files the build settings leave out (other platforms, `ignore` tags); their imports still make edges. */
  IgnoredGoFiles?: string[];
  Error?: { Err: string };
  DepsErrors?: { Err: string }[];
  /** The other files a build of the package reads, by kind (assembly, headers, syso objects, embedded files, …). */
  CgoFiles?: string[];
  CFiles?: string[];
  CXXFiles?: string[];
  MFiles?: string[];
  HFiles?: string[];
  FFiles?: string[];
  SFiles?: string[];
  SwigFiles?: string[];
  SwigCXXFiles?: string[];
  SysoFiles?: string[];
  EmbedFiles?: string[];
}

/**
 * The settings of the images' Go build (go/Dockerfile.multi-stage: static, for
 * linux/amd64, no build tags), so that the packages listed are the ones the
 * image links, whatever the host is.
 */
export const IMAGE_BUILD_ENV = { GOOS: 'linux', GOARCH: 'amd64', CGO_ENABLED: '0' } as const;

const FIELDS = [
  'ImportPath', 'Dir', 'Name', 'Standard', 'Module', 'Deps', 'Imports', 'TestImports', 'XTestImports',
  'GoFiles', 'TestGoFiles', 'XTestGoFiles', 'IgnoredGoFiles', 'Error', 'DepsErrors',
  'CgoFiles', 'CFiles', 'CXXFiles', 'MFiles', 'HFiles', 'FFiles', 'SFiles', 'SwigFiles', 'SwigCXXFiles', 'SysoFiles', 'EmbedFiles',
];

/** `go list` failed; `moduleFiles` when go says what is wrong with go.mod or go.sum (it cannot load the module). */
export class GoListError extends Error {
  constructor(
    message: string,
    readonly moduleFiles: boolean,
  ) {
    super(message);
  }
}

/** Splits the stream of JSON objects `go list -json` prints (each starts with `{` and ends with `}` at column 0). */
export function parseGoListStream(out: string): GoPackage[] {
  const text = out.trim();
  if (!text) return [];
  return text.split(/\n}\n(?={)/).map((chunk, i, all) => JSON.parse(i < all.length - 1 ? `${chunk}\n}` : chunk) as GoPackage);
}

/**
 * One `go list -e -deps -json ./...` over the module with the image build settings:
 * every package of the module, and every package they link (standard library and
 * other modules included), each with its `Deps`. It reads a copy of go.mod and go.sum
 * (`-modfile`), so listing never rewrites them.
 */
export function listPackages(moduleDir: string): GoPackage[] {
  const tmp = mkdtempSync(join(tmpdir(), 'nx-go-list-'));
  try {
    copyFileSync(join(moduleDir, 'go.mod'), join(tmp, 'go.mod'));
    if (existsSync(join(moduleDir, 'go.sum'))) copyFileSync(join(moduleDir, 'go.sum'), join(tmp, 'go.sum'));
    let out: string;
    try {
      out = execFileSync('go', ['list', `-modfile=${join(tmp, 'go.mod')}`, '-e', '-deps', `-json=${FIELDS.join(',')}`, './...'], {
        cwd: moduleDir,
        encoding: 'utf8',
        env: { ...process.env, ...IMAGE_BUILD_ENV, GOFLAGS: '-mod=mod', GOWORK: 'off' },
        maxBuffer: 256 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { stderr?: string };
      if (err.code === 'ENOENT') throw new Error('go list: the go command is not installed (or not on PATH)');
      const stderr = String(err.stderr ?? err.message).replaceAll(tmp, moduleDir).trim();
      throw new GoListError(`go list failed in ${moduleDir}:\n${stderr}`, /\bgo\.(mod|sum)\b/.test(stderr));
    }
    return parseGoListStream(out);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** A project-to-project edge with the file that makes it. */
export interface GoEdge {
  source: string;
  target: string;
  sourceFile: string;
  /** Only test files import the target: it reaches the tests, never the binary. */
  testOnly: boolean;
}

/**
 * Turns package imports into project edges: an import from a package of
 * project A of a package of project B (A ≠ B) is an edge A → B.
 */
export function projectEdges(packages: GoPackage[], projects: GoProject[], workspaceRoot: string): GoEdge[] {
  const roots = new Map(projects.map((p) => [join(workspaceRoot, p.root), p]));
  // The project whose root holds `dir`: up the tree from it (most packages, the standard library's, are outside the workspace).
  const rootOf = (dir: string): GoProject | undefined => {
    if (!dir.startsWith(`${workspaceRoot}/`)) return undefined;
    for (let d = dir; d.length > workspaceRoot.length; d = dirname(d)) {
      const p = roots.get(d);
      if (p) return p;
    }
    return undefined;
  };
  const byImport = new Map<string, GoProject>();
  for (const pkg of packages) {
    const owner = rootOf(pkg.Dir);
    if (owner) byImport.set(pkg.ImportPath, owner);
  }
  const edges = new Map<string, GoEdge>();
  const add = (source: GoProject, pkg: GoPackage, imp: string, testOnly: boolean, file?: string) => {
    const target = byImport.get(imp);
    if (!target || target.name === source.name) return;
    const key = `${source.name}->${target.name}`;
    const known = edges.get(key);
    // A production import wins over a test-only one.
    if (known && (testOnly || !known.testOnly)) return;
    const files = testOnly ? [...(pkg.TestGoFiles ?? []), ...(pkg.XTestGoFiles ?? [])] : (pkg.GoFiles ?? []);
    const sourceFile = file ? relative(workspaceRoot, join(pkg.Dir, file)) : importingFile(pkg.Dir, files, imp, workspaceRoot);
    edges.set(key, { source: source.name, target: target.name, sourceFile, testOnly });
  };
  for (const pkg of packages) {
    const source = rootOf(pkg.Dir);
    if (!source) continue;
    for (const imp of pkg.Imports ?? []) add(source, pkg, imp, false);
    for (const imp of [...(pkg.TestImports ?? []), ...(pkg.XTestImports ?? [])]) add(source, pkg, imp, true);
    // go list ran with the image's settings; a file for another platform imports too on that platform.
    for (const file of pkg.IgnoredGoFiles ?? []) {
      for (const imp of goFileImports(readFileSync(join(pkg.Dir, file), 'utf8'))) add(source, pkg, imp, file.endsWith('_test.go'), file);
    }
  }
  return [...edges.values()];
}

/**
 * The import paths of a Go source file, read from its import declarations (after the
 * package clause, before the first other declaration). For the files go list leaves out
 * under the image's build settings, which it does not parse.
 */
export function goFileImports(source: string): string[] {
  let i = 0;
  const skip = (): void => {
    for (;;) {
      while (i < source.length && /\s|;/.test(source[i] ?? '')) i++;
      if (source.startsWith('//', i)) i = source.indexOf('\n', i) === -1 ? source.length : source.indexOf('\n', i);
      else if (source.startsWith('/*', i)) i = source.indexOf('*/', i) === -1 ? source.length : source.indexOf('*/', i) + 2;
      else return;
    }
  };
  const word = (): string => {
    skip();
    const m = /^[\p{L}_][\p{L}\p{N}_]*|^\./u.exec(source.slice(i, i + 256));
    if (!m) return '';
    i += m[0].length;
    return m[0];
  };
  const str = (): string | undefined => {
    skip();
    const q = source[i];
    if (q !== '"' && q !== '`') return undefined;
    const end = source.indexOf(q, i + 1);
    if (end === -1) return undefined;
    const value = source.slice(i + 1, end);
    i = end + 1;
    return value;
  };
  const spec = (): string | undefined => {
    const at = i;
    const path = str();
    if (path !== undefined) return path;
    i = at;
    // A named import: `name "path"`, `. "path"` or `_ "path"`.
    return word() ? str() : undefined;
  };
  if (word() !== 'package' || !word()) return [];
  const imports: string[] = [];
  for (;;) {
    const at = i;
    if (word() !== 'import') {
      i = at;
      return imports;
    }
    skip();
    if (source[i] === '(') {
      i++;
      for (;;) {
        skip();
        if (source[i] === ')' || i >= source.length) break;
        const path = spec();
        if (path === undefined) return imports;
        imports.push(path);
      }
      i++;
    } else {
      const path = spec();
      if (path === undefined) return imports;
      imports.push(path);
    }
  }
}

/** The first of `files` that imports `imp`: Nx wants a real file for a static edge. */
function importingFile(dir: string, files: string[], imp: string, workspaceRoot: string): string {
  const quoted = `"${imp}"`;
  const hit = files.find((f) => readFileSync(join(dir, f), 'utf8').includes(quoted)) ?? files[0] ?? '';
  return relative(workspaceRoot, join(dir, hit));
}
