import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { workspaceDataDirectory } from '@nx/devkit/internal';
import { serviceClosures, type ServiceClosure } from './go-closure';
import { GoListError, IMAGE_BUILD_ENV, listPackages, projectEdges, type GoEdge } from './go-deps';
import { GO_MODULE_ROOT, type GoProject } from './go-projects';

/** What the plugin knows of the module: the graph edges and each service's build closure. */
export interface ModuleInfo {
  key: string;
  edges: GoEdge[];
  /** By service name; `undefined` when the closure is unknown (then the whole module is the input). */
  closures: Record<string, ServiceClosure | undefined>;
  /** Why nothing is known, when go list could not load the module (go.mod or go.sum broken). */
  fallback?: string;
}

/** A Go service: an app whose directory holds a main package (`main.go`), the projects that ship an image. */
export function isService(workspaceRoot: string, project: GoProject): boolean {
  return project.kind === 'app' && existsSync(join(workspaceRoot, project.root, 'main.go'));
}

function walk(dir: string, rel: string, into: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) walk(join(dir, e.name), path, into);
    else into.push(path);
  }
}

/**
 * The key of go list's answer: go.mod and go.sum, the content of every Go file, and
 * the names of all other files of the module (they decide which assembly, syso and
 * embedded files a package has; their content does not change what go list says).
 */
export function moduleKey(workspaceRoot: string): string {
  const moduleDir = join(workspaceRoot, GO_MODULE_ROOT);
  const files: string[] = [];
  walk(moduleDir, '', files);
  const hash = createHash('sha256').update(`nx-go-module-v1\0${workspaceRoot}\0${JSON.stringify(IMAGE_BUILD_ENV)}\0`);
  for (const f of files.sort()) {
    hash.update(`${f}\0`);
    if (f.endsWith('.go') || f === 'go.mod' || f === 'go.sum') hash.update(createHash('sha1').update(readFileSync(join(moduleDir, f))).digest('hex'));
    hash.update('\0');
  }
  return hash.digest('hex');
}

let memo: ModuleInfo | undefined;

function readCache(file: string): ModuleInfo | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ModuleInfo;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, info: ModuleInfo): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info));
  renameSync(tmp, file);
}

/** The on-disk cache of one workspace (several checkouts may share a machine). */
export function moduleCacheFile(workspaceRoot: string): string {
  const root = createHash('sha256').update(workspaceRoot).digest('hex').slice(0, 12);
  return join(workspaceDataDirectory, `nx-go-module-${root}.json`);
}

/**
 * Edges and closures from one `go list` over the module, kept in memory and in
 * .nx/workspace-data under `moduleKey`, so the next Nx process reuses it. When go
 * cannot load the module because go.mod or go.sum is broken, nothing is cached and
 * every service falls back to the whole module (the safe side); any other failure
 * of go list fails the graph, as a graph without edges would miss dependents.
 */
export function moduleInfo(workspaceRoot: string, projects: GoProject[]): ModuleInfo {
  const key = moduleKey(workspaceRoot);
  if (memo?.key === key) return memo;
  const file = moduleCacheFile(workspaceRoot);
  const cached = readCache(file);
  if (cached?.key === key) return (memo = cached);
  const moduleDir = join(workspaceRoot, GO_MODULE_ROOT);
  let packages;
  try {
    packages = listPackages(moduleDir);
  } catch (e) {
    if (!(e instanceof GoListError) || !e.moduleFiles) throw e;
    const reason = e.message.split('\n').slice(0, 3).join(' ');
    console.warn(`nx-go: ${reason}\nnx-go: every Go service takes the whole Go module as its build input until go.mod and go.sum load again`);
    return (memo = { key, edges: [], closures: {}, fallback: reason });
  }
  const services = projects.filter((p) => isService(workspaceRoot, p));
  const info: ModuleInfo = { key, edges: projectEdges(packages, projects, workspaceRoot), closures: serviceClosures(packages, services, workspaceRoot) };
  writeCache(file, info);
  return (memo = info);
}
