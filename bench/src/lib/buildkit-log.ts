/**
 * Whether the BuildKit step whose instruction matches `instruction` was reused from
 * the cache in a `--progress plain` log: BuildKit prints `#12 [builder 4/9] RUN … npm ci …`
 * and, for a cache hit, `#12 CACHED`. Undefined when no such step is in the log.
 */
export function stepCached(log: string, instruction: RegExp): boolean | undefined {
  let found: boolean | undefined;
  for (const m of log.matchAll(/^(?:\S+: )?#(\d+) \[[^\]]+\] (.*)$/gm)) {
    if (!instruction.test(m[2] ?? '')) continue;
    const id = m[1];
    found = new RegExp(`^(?:\\S+: )?#${id} CACHED\\s*$`, 'm').test(log);
  }
  return found;
}

/** One vertex of a plain BuildKit log: `#7 [builder 5/9] RUN …`, its sub-lines and how it ended. */
export interface BuildStep {
  id: number;
  /** The vertex's first line: `[builder 5/9] RUN …`, `importing cache manifest from …`, `exporting to image`. */
  name: string;
  /** `done` (DONE), `cached` (CACHED), `error` (ERROR or CANCELED), or `open` when the log ends first. */
  state: 'done' | 'cached' | 'error' | 'open';
  /** The time on its DONE line, in seconds (0 when it has none). */
  seconds: number;
  /** Blob downloads (`sha256:… 12.3MB / 12.3MB 0.4s done`): bytes and seconds of each finished one. */
  downloads: { bytes: number; seconds: number }[];
  /** Layer unpacks (`extracting sha256:… 0.5s done`), seconds each. */
  extracts: number[];
  /** `resolve docker.io/library/alpine:3.22@sha256:… 0.0s done`, seconds each. */
  resolves: number[];
}

const UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, KiB: 1024, MB: 1e6, MiB: 1024 ** 2, GB: 1e9, GiB: 1024 ** 3, TB: 1e12 };

/** `12.58MB` → bytes (BuildKit prints decimal units). */
export function parseSize(text: string): number {
  const m = /^([\d.]+)\s*([A-Za-z]+)$/.exec(text.trim());
  const unit = m?.[2] ? UNITS[m[2]] : undefined;
  if (!m || unit === undefined) throw new Error(`not a BuildKit size: "${text}"`);
  return Number(m[1]) * unit;
}

/**
 * The vertices of a `--progress plain` log, in the order they first appear. Lines may carry
 * Nx's `project: ` prefix. A vertex's lines can be interleaved with other vertices' lines
 * (BuildKit's printer then writes `#N ...` and, on coming back, the vertex's name again). A
 * status under 10 ms has no time (`extracting sha256:… done`).
 */
export function parseSteps(log: string): BuildStep[] {
  const steps = new Map<number, BuildStep>();
  for (const raw of log.split('\n')) {
    const m = /^(?:\S+: )?#(\d+) (.*?)\s*$/.exec(raw);
    if (!m) continue;
    const id = Number(m[1]);
    const text = m[2] ?? '';
    let step = steps.get(id);
    if (!step) {
      step = { id, name: text, state: 'open', seconds: 0, downloads: [], extracts: [], resolves: [] };
      steps.set(id, step);
      continue;
    }
    let s: RegExpExecArray | null;
    if ((s = /^DONE ([\d.]+)s$/.exec(text))) {
      step.state = 'done';
      step.seconds = Number(s[1]);
    } else if (text === 'CACHED') {
      step.state = 'cached';
    } else if (/^(ERROR|CANCELED)\b/.test(text)) {
      step.state = 'error';
    } else if ((s = /^sha256:[0-9a-f]+ (\S+) \/ (\S+)(?: ([\d.]+)s)? done$/.exec(text))) {
      step.downloads.push({ bytes: parseSize(s[2] ?? ''), seconds: Number(s[3] ?? 0) });
    } else if ((s = /^extracting sha256:[0-9a-f]+(?: ([\d.]+)s)? done$/.exec(text))) {
      step.extracts.push(Number(s[1] ?? 0));
    } else if ((s = /^resolve \S+(?: ([\d.]+)s)? done$/.exec(text))) {
      step.resolves.push(Number(s[1] ?? 0));
    }
  }
  return [...steps.values()];
}

/**
 * Where a build's time went, in seconds summed over its vertices (BuildKit runs independent
 * vertices side by side, so the parts can add up to more than the wall time).
 */
export interface TimeBreakdown {
  /** `[internal] load metadata for …` (the base images' manifests) and each FROM's `resolve`. */
  baseResolve: number;
  /** Downloads of the base images' layers (FROM vertices). */
  basePull: { seconds: number; bytes: number };
  /** `importing cache manifest from …`: reading the registry layer cache's manifest. */
  cacheImport: number;
  /** Downloads of cached layers (any vertex but a FROM): the registry cache's blobs. */
  cachePull: { seconds: number; bytes: number };
  /** Unpacking layers (`extracting sha256:…`), base and cache alike. */
  unpack: number;
  /** The steps that matched `compile` and ran (not cached). */
  compile: number;
  /** Every other RUN, COPY, … that ran. */
  otherSteps: number;
  /** `exporting to image` / `exporting cache …` / pushing: the image and the cache written out. */
  export: number;
  /** `[internal]` and `[auth]` vertices: the Dockerfile, the build context, .dockerignore, registry tokens. */
  internal: number;
  /** The steps that were cache hits, and those that ran. */
  cachedSteps: string[];
  ranSteps: string[];
}

const round = (x: number) => Math.round(x * 1000) / 1000;

/** The time breakdown of a plain BuildKit log; `compile` names the build step (e.g. /go build|vite build/). */
export function timeBreakdown(log: string, compile: RegExp): TimeBreakdown {
  const out: TimeBreakdown = {
    baseResolve: 0,
    basePull: { seconds: 0, bytes: 0 },
    cacheImport: 0,
    cachePull: { seconds: 0, bytes: 0 },
    unpack: 0,
    compile: 0,
    otherSteps: 0,
    export: 0,
    internal: 0,
    cachedSteps: [],
    ranSteps: [],
  };
  for (const step of parseSteps(log)) {
    const isFrom = /^\[[^\]]+\] FROM /.test(step.name);
    const pulled = step.downloads.reduce((a, d) => ({ seconds: a.seconds + d.seconds, bytes: a.bytes + d.bytes }), { seconds: 0, bytes: 0 });
    const into = isFrom ? out.basePull : out.cachePull;
    into.seconds += pulled.seconds;
    into.bytes += pulled.bytes;
    const unpack = step.extracts.reduce((a, b) => a + b, 0);
    out.unpack += unpack;
    const resolve = step.resolves.reduce((a, b) => a + b, 0);
    out.baseResolve += resolve;
    if (/^\[internal\] load metadata for /.test(step.name)) out.baseResolve += step.seconds;
    else if (/^importing cache manifest from /.test(step.name)) out.cacheImport += step.seconds;
    else if (/^(exporting|pushing|writing image|naming to)/.test(step.name)) out.export += step.seconds;
    else if (/^\[(internal|auth)\]/.test(step.name)) out.internal += step.seconds;
    else if (/^\[[^\]]+\] /.test(step.name) && !isFrom) {
      const label = step.name.replace(/\s+/g, ' ').slice(0, 120);
      if (step.state === 'cached') {
        out.cachedSteps.push(label);
      } else {
        out.ranSteps.push(label);
        // A step's DONE time includes pulling and unpacking the cached layers it runs on: counted there, not here.
        const own = Math.max(0, step.seconds - pulled.seconds - unpack);
        if (compile.test(step.name)) out.compile += own;
        else out.otherSteps += own;
      }
    }
  }
  for (const k of ['baseResolve', 'cacheImport', 'unpack', 'compile', 'otherSteps', 'export', 'internal'] as const) out[k] = round(out[k]);
  out.basePull.seconds = round(out.basePull.seconds);
  out.cachePull.seconds = round(out.cachePull.seconds);
  return out;
}
