/** A FROM line of a Dockerfile, with build arguments resolved from their defaults. */
export interface FromLine {
  image: string;
  platform?: string;
  stage?: string;
}

/**
 * Lists the FROM lines of a Dockerfile in order, with `${ARG}` and `$ARG`
 * replaced by the defaults of the ARGs declared before the first FROM.
 * Line continuations and comments are handled; parser directives are comments here.
 */
export function fromLines(dockerfile: string, overrides: Record<string, string> = {}): FromLine[] {
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  const args: Record<string, string> = {};
  const froms: FromLine[] = [];
  for (const raw of lines) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const [instr = '', ...rest] = line.split(/\s+/);
    if (instr.toUpperCase() === 'ARG' && froms.length === 0) {
      for (const decl of rest) {
        const [k = '', v = ''] = decl.split('=');
        args[k] = overrides[k] ?? v.replace(/^"|"$/g, '');
      }
    } else if (instr.toUpperCase() === 'FROM') {
      const subst = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_m, a: string, b: string) => args[a ?? b] ?? overrides[a ?? b] ?? `$${a ?? b}`);
      const words = rest.map(subst);
      const platform = words.find((w) => w.startsWith('--platform='))?.slice('--platform='.length);
      const plain = words.filter((w) => !w.startsWith('--'));
      const asAt = plain.findIndex((w) => w.toUpperCase() === 'AS');
      froms.push({ image: plain[0] ?? '', platform, stage: asAt >= 0 ? plain[asAt + 1] : undefined });
    }
  }
  return froms;
}

/** The external base images a Dockerfile names (not `scratch`, not earlier stages). */
export function baseImages(dockerfile: string): string[] {
  const froms = fromLines(dockerfile);
  const stages = new Set(froms.map((f) => f.stage).filter(Boolean));
  return [...new Set(froms.map((f) => f.image).filter((i) => i !== 'scratch' && !stages.has(i)))];
}

/** The base of the final stage: what the shipped image is built on. */
export function finalBase(dockerfile: string): string {
  const froms = fromLines(dockerfile);
  const stages = new Set(froms.map((f) => f.stage).filter(Boolean));
  let image = froms.at(-1)?.image ?? '';
  // A final stage FROM an earlier stage: follow it back to an external image.
  while (stages.has(image)) image = froms.find((f) => f.stage === image)?.image ?? '';
  return image;
}
