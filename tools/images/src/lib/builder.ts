import { spawnSync } from 'node:child_process';

/**
 * The oldest BuildKit the images build on: the exporter's rewrite-timestamp
 * (reproducible digests) came in v0.13, COPY --link in v0.10.
 */
export const MIN_BUILDKIT = '0.13.0';

/** A buildx builder as `docker buildx inspect` describes it. */
export interface Builder {
  name: string;
  driver: string;
  /** The BuildKit version of each node ("v0.34.2", "v0.8+unknown"); empty while none is running. */
  buildkit: string[];
}

/** Reads the builder's name, driver and nodes' BuildKit versions from `docker buildx inspect`. */
export function parseInspect(text: string): Builder {
  const field = (name: string) =>
    text
      .split('\n')
      .map((line) => new RegExp(`^${name}:\\s*(.*)$`).exec(line.trim())?.[1]?.trim())
      .filter((v): v is string => !!v);
  const name = field('Name')[0];
  const driver = field('Driver')[0];
  if (!name || !driver) throw new Error(`docker buildx inspect printed no builder name or driver:\n${text.trim()}`);
  return { name, driver, buildkit: field('BuildKit version') };
}

function versionParts(v: string): [number, number, number] | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** True when version `v` is at least `min`; undefined when `v` has no version number to compare. */
export function atLeast(v: string, min: string): boolean | undefined {
  const a = versionParts(v);
  const b = versionParts(min);
  if (!a || !b) return undefined;
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return true;
}

/** Why this builder cannot build the images, with the fix; undefined when it can. */
export function builderProblem(b: Builder, min = MIN_BUILDKIT): string | undefined {
  const fix =
    'Select a current builder with BUILDX_BUILDER=<name> (`docker buildx ls` lists them; ' +
    '`docker buildx create --driver docker-container` makes one), or on a machine without one run ' +
    '`bash tools/image-harness/up.sh` and `export BUILDX_BUILDER=slipway`.';
  if (b.buildkit.length === 0) return `buildx builder "${b.name}" (${b.driver} driver) has no running node. ${fix}`;
  const old = b.buildkit.filter((v) => atLeast(v, min) === false);
  if (old.length > 0) {
    return (
      `buildx builder "${b.name}" (${b.driver} driver) runs BuildKit ${old.join(', ')}; ` +
      `the Dockerfiles need BuildKit v${min} or newer (COPY --link, rewrite-timestamp). ${fix}`
    );
  }
  return undefined;
}

function inspect(args: string[]): { ok: boolean; out: string } {
  const r = spawnSync('docker', ['buildx', 'inspect', ...args], { encoding: 'utf8' });
  return { ok: !r.error && r.status === 0, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/**
 * The builder docker-build uses: the one BUILDX_BUILDER names, or buildx's current
 * one. Throws, naming the builder and the fix, when it is missing or too old.
 */
export function requireBuilder(env: NodeJS.ProcessEnv = process.env): Builder {
  const wanted = env['BUILDX_BUILDER'];
  let r = inspect(wanted ? [wanted] : []);
  if (!r.ok) {
    throw new Error(
      `buildx builder ${wanted ? `"${wanted}" (BUILDX_BUILDER)` : '(the current one)'} is not usable:\n${r.out.trim()}\n` +
        '`docker buildx ls` lists the builders; unset BUILDX_BUILDER to use the current one.',
    );
  }
  let builder = parseInspect(r.out);
  if (builder.buildkit.length === 0) {
    // A docker-container or kubernetes builder that is not running yet: start it to learn its version.
    r = inspect([builder.name, '--bootstrap']);
    if (r.ok) builder = parseInspect(r.out);
  }
  const problem = builderProblem(builder);
  if (problem) throw new Error(problem);
  return builder;
}

/** One line that says which builder a build runs on. */
export function describeBuilder(b: Builder): string {
  return `buildx builder "${b.name}" (${b.driver} driver, BuildKit ${b.buildkit.join(', ')})`;
}
