/** One layer an image adds over its base. */
export interface Layer {
  bytes: number;
  createdBy: string;
}

/**
 * The layers an image adds over its base, from `docker history --human=false --format
 * '{{.Size}}\t{{.CreatedBy}}'` of both (newest first): the image's rows above the base's,
 * without the empty ones (metadata instructions).
 */
export function addedLayers(imageHistory: string, baseHistory: string): Layer[] {
  const rows = (text: string) =>
    text
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const [size = '0', ...rest] = l.split('\t');
        return { bytes: Number(size), createdBy: rest.join('\t').trim() };
      });
  const image = rows(imageHistory);
  const base = rows(baseHistory);
  if (base.length > image.length) throw new Error(`the image has fewer history rows (${image.length}) than its base (${base.length}): wrong base?`);
  return image.slice(0, image.length - base.length).filter((r) => r.bytes > 0);
}

/** The sizes multi-stage images were chosen on (ADR 0001), in MB with the official bases: single-stage, multi-stage, and the saving. */
export const DECISION_RECORD = {
  web: { singleStageMB: 500, multiStageMB: 150, reductionPercent: 70 },
  api: { singleStageMB: 800, multiStageMB: 50, reductionPercent: 94 },
} as const;

/** Percent by which `total` is smaller than `single`, one decimal. */
export const reduction = (total: number, single: number): number => Math.round((1 - total / single) * 1000) / 10;
