/** Milliseconds from `startIso` to `endIso`; null when either is not a date or the end comes first. */
export function timeSpanMs(startIso: string, endIso: string): number | null {
  const span = Date.parse(endIso) - Date.parse(startIso);
  return Number.isFinite(span) && span >= 0 ? span : null;
}
