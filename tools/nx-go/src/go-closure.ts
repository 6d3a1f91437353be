import { join, relative, sep } from 'node:path';
import type { GoPackage } from './go-deps';
import type { LinkedModule } from './go-mod';
import type { GoProject } from './go-projects';

/** What one service's binary is built from: its build closure under the image's settings. */
export interface ServiceClosure {
  /** Workspace-relative files of the linked packages of the workspace: Go, assembly, headers, syso, embedded files. */
  files: string[];
  /** The other modules the linked packages come from, at the versions the build selects, by path. */
  modules: LinkedModule[];
}

/** The kinds of files a package's build reads (go list names them relative to the package directory). */
const BUILD_FILES = [
  'GoFiles', 'CgoFiles', 'CFiles', 'CXXFiles', 'MFiles', 'HFiles', 'FFiles', 'SFiles', 'SwigFiles', 'SwigCXXFiles', 'SysoFiles', 'EmbedFiles',
] as const;

function linkedModule(pkg: GoPackage): LinkedModule | undefined {
  const m = pkg.Module;
  if (!m || m.Main) return undefined;
  const version = m.Version ?? '';
  // A replacement with a version is what go.sum pins; a directory replacement has no go.sum line.
  const sum = m.Replace ? `${m.Replace.Path} ${m.Replace.Version ?? '(directory)'}` : `${m.Path} ${version}`;
  return { path: m.Path, version, sum };
}

/**
 * The build closure of each service: its main package and every package that
 * package links (`Deps` of `go list -deps`). Packages inside the workspace give
 * their files; packages of other modules give their module. A service whose
 * closure `go list` could not load completely (a missing package, a pattern that
 * embeds nothing) gets `undefined`: the caller then falls back to whole directories.
 */
export function serviceClosures(packages: GoPackage[], services: GoProject[], workspaceRoot: string): Record<string, ServiceClosure | undefined> {
  const byImport = new Map(packages.map((p) => [p.ImportPath, p]));
  const mains = new Map(packages.filter((p) => p.Name === 'main').map((p) => [p.Dir, p]));
  const inWorkspace = (dir: string): boolean => dir.startsWith(workspaceRoot + sep);
  // Each package's files once: most packages are linked by many services.
  const filesOf = new Map<GoPackage, string[]>();
  const packageFiles = (pkg: GoPackage): string[] => {
    let files = filesOf.get(pkg);
    if (!files) {
      files = BUILD_FILES.flatMap((kind) => (pkg[kind] ?? []).map((f) => relative(workspaceRoot, join(pkg.Dir, f))));
      filesOf.set(pkg, files);
    }
    return files;
  };
  const out: Record<string, ServiceClosure | undefined> = {};
  for (const service of services) {
    const main = mains.get(join(workspaceRoot, service.root));
    if (!main || main.Error || main.DepsErrors?.length) {
      out[service.name] = undefined;
      continue;
    }
    const files = new Set<string>();
    const modules = new Map<string, LinkedModule>();
    let complete = true;
    for (const path of [main.ImportPath, ...(main.Deps ?? [])]) {
      const pkg = byImport.get(path);
      if (!pkg || pkg.Error) {
        complete = false;
        break;
      }
      if (pkg.Standard) continue;
      // The main module, or a module replaced by a directory of the workspace: its files are the input.
      const local = pkg.Module?.Main || (pkg.Module?.Replace && !pkg.Module.Replace.Version && inWorkspace(pkg.Dir));
      if (local) {
        for (const f of packageFiles(pkg)) files.add(f);
      } else {
        const m = linkedModule(pkg);
        if (m) modules.set(m.path, m);
      }
    }
    out[service.name] = complete
      ? { files: [...files].sort(), modules: [...modules.values()].sort((a, b) => a.path.localeCompare(b.path)) }
      : undefined;
  }
  return out;
}
