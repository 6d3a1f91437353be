/** Sizes of one image, as the size report writes them to dist/images/<project>/size.json. */
export interface SizeReport {
  project: string;
  image: string;
  base: string;
  /** True when the base in the engine is a labelled stand-in (offline harness): only `addedBytes` speaks for production. */
  baseIsStandIn: boolean;
  baseBytes: number;
  addedBytes: number;
  totalBytes: number;
  budgetAddedBytes: number;
  withinBudget: boolean;
  singleStage?: { totalBytes: number; reductionPercent: number };
  measuredAt: string;
}

/** Parses a size like `5MB`, `20 MB`, `512KiB` or `1000` (bytes) into bytes; decimal MB as `docker images` prints. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|KiB|MiB|GiB)?\s*$/i.exec(text);
  if (!m) throw new Error(`"${text}" is not a size (examples: 5MB, 512KiB, 1000)`);
  const units: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
  return Math.round(Number(m[1]) * (units[(m[2] ?? 'B').toLowerCase()] ?? 1));
}

/** Formats bytes in decimal megabytes with one decimal. */
export const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Builds the report from measured sizes. */
export function sizeReport(input: {
  project: string;
  image: string;
  base: string;
  baseIsStandIn: boolean;
  baseBytes: number;
  totalBytes: number;
  budgetAddedBytes: number;
  singleStageBytes?: number;
  now?: Date;
}): SizeReport {
  const addedBytes = Math.max(0, input.totalBytes - input.baseBytes);
  return {
    project: input.project,
    image: input.image,
    base: input.base,
    baseIsStandIn: input.baseIsStandIn,
    baseBytes: input.baseBytes,
    addedBytes,
    totalBytes: input.totalBytes,
    budgetAddedBytes: input.budgetAddedBytes,
    withinBudget: addedBytes <= input.budgetAddedBytes,
    ...(input.singleStageBytes
      ? {
          singleStage: {
            totalBytes: input.singleStageBytes,
            reductionPercent: Math.round((1 - input.totalBytes / input.singleStageBytes) * 1000) / 10,
          },
        }
      : {}),
    measuredAt: (input.now ?? new Date()).toISOString(),
  };
}

/** A printed table of one report. */
export function formatReport(r: SizeReport): string {
  const rows: [string, string, string][] = [
    ['base', `${r.base}${r.baseIsStandIn ? ' (offline stand-in)' : ''}`, mb(r.baseBytes)],
    ['added over base', `budget ${mb(r.budgetAddedBytes)} ${r.withinBudget ? 'ok' : 'EXCEEDED'}`, mb(r.addedBytes)],
    ['total', r.image, mb(r.totalBytes)],
  ];
  if (r.singleStage) rows.push(['single-stage variant', `multi-stage is ${r.singleStage.reductionPercent}% smaller`, mb(r.singleStage.totalBytes)]);
  const w0 = Math.max(...rows.map(([a]) => a.length));
  const w1 = Math.max(...rows.map(([, b]) => b.length));
  return [`image size: ${r.project}`, ...rows.map(([a, b, c]) => `  ${a.padEnd(w0)}  ${b.padEnd(w1)}  ${c.padStart(9)}`)].join('\n');
}
