/** A FROM line of a Dockerfile, with build arguments resolved from their defaults. */
export interface FromLine {
  image: string;
  platform?: string;
  /** The stage name after `AS`, lower-cased: BuildKit matches stage names regardless of case. */
  stage?: string;
}

/**
 * Lists the FROM lines of a Dockerfile in order, with `${ARG}` and `$ARG`
 * replaced by the defaults of the ARGs declared before the first FROM. A name
 * with no default (nor override) stays as written, so an unresolved reference shows.
 * Line continuations and comments are handled; parser directives are comments here.
 * The image harness runs this file with Node's type stripping, before any `npm ci`
 * (tools/image-harness/lib/base-images.mts): keep it erasable TypeScript with no imports.
 */
export function fromLines(dockerfile: string, overrides: Record<string, string> = {}): FromLine[] {
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const args: Record<string, string> = {};
  const froms: FromLine[] = [];
  const subst = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (ref, a?: string, b?: string) => args[a ?? b ?? ''] ?? overrides[a ?? b ?? ''] ?? ref);
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [instr = '', ...rest] = line.split(/\s+/);
    if (instr.toUpperCase() === 'ARG' && froms.length === 0) {
      for (const decl of rest) {
        const eq = decl.indexOf('=');
        const k = eq < 0 ? decl : decl.slice(0, eq);
        const v = overrides[k] ?? (eq < 0 ? undefined : decl.slice(eq + 1).replace(/^(["'])(.*)\1$/, '$2'));
        if (v !== undefined) args[k] = v;
      }
    } else if (instr.toUpperCase() === 'FROM') {
      const words = rest.map(subst);
      const platform = words.find((w) => w.startsWith('--platform='))?.slice('--platform='.length);
      const plain = words.filter((w) => !w.startsWith('--'));
      const asAt = plain.findIndex((w) => w.toUpperCase() === 'AS');
      froms.push({ image: plain[0] ?? '', platform, stage: asAt >= 0 ? plain[asAt + 1]?.toLowerCase() : undefined });
    }
  }
  return froms;
}

/** The stage a FROM line builds on, if its image names a stage defined before it. */
function earlierStage(froms: FromLine[], at: number): number {
  const name = froms[at]?.image.toLowerCase();
  return froms.findIndex((f, i) => i < at && f.stage === name);
}

/** The external base images a Dockerfile names (not `scratch`, not earlier stages). */
export function baseImages(dockerfile: string): string[] {
  const froms = fromLines(dockerfile);
  const external = froms.filter((f, i) => f.image !== '' && f.image !== 'scratch' && earlierStage(froms, i) < 0);
  return [...new Set(external.map((f) => f.image))];
}

/** The base of the final stage: what the shipped image is built on. */
export function finalBase(dockerfile: string): string {
  const froms = fromLines(dockerfile);
  let at = froms.length - 1;
  // A final stage FROM an earlier stage: follow it back to an external image.
  for (let up = earlierStage(froms, at); up >= 0; up = earlierStage(froms, at)) at = up;
  return froms[at]?.image ?? '';
}
