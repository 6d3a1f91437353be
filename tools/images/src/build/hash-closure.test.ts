import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { minimatch } from 'minimatch';

// docker-build's hash takes the image tooling through the `imageTooling` named input, which leaves
// the publish code out. Everything the build runs must therefore be inside that input, or a change
// to it would not rebuild the image.
const root = join(__dirname, '../../../..');

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specs = [...source.matchAll(/(?:from\s+|import\()\s*['"](\.[^'"]+)['"]/g)].map((m) => m[1] as string);
  return specs.map((spec) => {
    const base = join(dirname(file), spec);
    const found = [`${base}.ts`, join(base, 'index.ts')].find((f) => existsSync(f));
    if (!found) throw new Error(`${relative(root, file)} imports ${spec}, which does not resolve`);
    return found;
  });
}

function closure(entry: string): string[] {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    todo.push(...importsOf(file));
  }
  return [...seen].map((f) => relative(root, f)).sort();
}

function inImageTooling(file: string, patterns: string[]): boolean {
  let included = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    const glob = (negated ? p.slice(1) : p).replace('{workspaceRoot}/', '');
    if (minimatch(file, glob)) included = !negated;
  }
  return included;
}

describe("docker-build's import closure", () => {
  const nxJson = JSON.parse(readFileSync(join(root, 'nx.json'), 'utf8')) as { namedInputs: Record<string, string[]> };
  const patterns = nxJson.namedInputs['imageTooling'] ?? [];
  const files = closure(join(root, 'tools/images/src/cli/docker-build.ts'));

  it('reaches the build code', () => {
    expect(files).toContain('tools/images/src/build/build-image.ts');
    expect(files).toContain('tools/images/src/build/build-marker.ts');
  });

  it.each(files)('%s is an input of the hash', (file) => {
    expect(inImageTooling(file, patterns)).toBe(true);
  });

  it('leaves the publish code out of the hash', () => {
    expect(inImageTooling('tools/images/src/publish/publish-image.ts', patterns)).toBe(false);
    expect(inImageTooling('tools/images/src/cli/docker-publish.ts', patterns)).toBe(false);
  });
});
