import { createHash } from 'node:crypto';

/** One module a service links, at the version its build uses. */
export interface LinkedModule {
  /** Module path, e.g. `github.com/philhofer/fwd`. */
  path: string;
  /** The version the build list selects, e.g. `v1.2.0`. */
  version: string;
  /** The `path version` whose go.sum lines pin the code (the replacement, when a replace with a version applies). */
  sum: string;
}

/** Removes a `//` comment from one go.mod line, leaving quoted strings alone. */
function stripComment(line: string): string {
  let quote = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === '`') {
      quote = c;
    } else if (c === '/' && line[i + 1] === '/') {
      return line.slice(0, i);
    }
  }
  return line;
}

/**
 * The directives of a go.mod that apply to every build of the module: everything
 * but `require` (go, toolchain, godebug, module, replace, exclude, retract, tool, …),
 * without comments or layout, one directive a line (`replace a => b v1`). The
 * requirements are left out because each service's build list says, module by
 * module, which versions it links. Throws on a block that is never closed.
 */
export function goModDirectives(text: string): string[] {
  const out: string[] = [];
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const line = stripComment(raw).trim().replace(/\s+/g, ' ');
    if (!line) continue;
    if (block !== undefined) {
      if (line === ')') block = undefined;
      else if (block !== 'require') out.push(`${block} ${line}`);
      continue;
    }
    const open = /^(\S+) ?\($/.exec(line);
    if (open?.[1]) {
      block = open[1];
      continue;
    }
    if (/^require\b/.test(line)) continue;
    out.push(line);
  }
  if (block !== undefined) throw new Error(`go.mod: the ${block} ( block is never closed`);
  return out;
}

/** The version of the `go` directive, e.g. `1.25.0` (empty when there is none). */
export function goDirective(directives: readonly string[]): string {
  return directives.find((d) => d.startsWith('go '))?.slice(3) ?? '';
}

/** go.sum's lines by `path version` (both the zip line and the `/go.mod` line of that version). */
export function goSumLines(text: string): Map<string, string[]> {
  const byVersion = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const [path, version] = line.split(/\s+/);
    if (!path || !version) continue;
    const key = `${path} ${version.replace(/\/go\.mod$/, '')}`;
    byVersion.set(key, [...(byVersion.get(key) ?? []), line]);
  }
  return byVersion;
}

const sha256 = (lines: readonly string[]): string => createHash('sha256').update(lines.join('\n')).digest('hex');

/** What an image takes from go.mod and go.sum for one linked module: its version and its go.sum lines. */
export function moduleHash(module: LinkedModule, sums: Map<string, string[]>): string {
  return sha256([`${module.path} ${module.version} ${module.sum}`, ...[...(sums.get(module.sum) ?? ['(no go.sum line)'])].sort()]);
}

/** What every Go image takes from go.mod apart from its requirements. */
export function directivesHash(directives: readonly string[]): string {
  return sha256(directives);
}
