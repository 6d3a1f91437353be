const PLACEHOLDER = '—';

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'] as const;

/** Decimal (SI) units, as registries and `docker images` report sizes: 12345678 → "12.3 MB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return PLACEHOLDER;
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000;
    unit += 1;
  }
  if (unit === 0) return `${value} B`;
  let text = value < 100 ? value.toFixed(1) : value.toFixed(0);
  // Rounding can reach the next unit (999.96 kB → "1000 kB"); say "1.0 MB" instead.
  if (Number(text) >= 1000 && unit < BYTE_UNITS.length - 1) {
    unit += 1;
    text = (Number(text) / 1000).toFixed(1);
  }
  return `${text} ${BYTE_UNITS[unit]}`;
}

/** 850 → "850 ms", 1234 → "1.2 s", 123000 → "2 min 3 s", 3_900_000 → "1 h 5 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return PLACEHOLDER;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const tenths = Math.round(ms / 100);
  if (tenths < 600) return `${(tenths / 10).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) {
    const minutes = Math.floor(totalSeconds / 60);
    const seconds = totalSeconds % 60;
    return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
  }
  const totalMinutes = Math.round(totalSeconds / 60);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

// Largest unit first; a unit is used once the distance reaches its size.
const RELATIVE_UNITS: ReadonlyArray<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * DAY],
  ['month', 30 * DAY],
  ['week', 7 * DAY],
  ['day', DAY],
  ['hour', HOUR],
  ['minute', MINUTE],
];

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'always' });

/** "3 minutes ago" / "in 2 hours" relative to `now` (a parameter, so callers and tests control it). */
export function formatRelativeTime(iso: string, now: number): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return PLACEHOLDER;
  const diff = time - now;
  const distance = Math.abs(diff);
  for (const [unit, size] of RELATIVE_UNITS) {
    if (distance >= size) {
      return relativeFormat.format(Math.sign(diff) * Math.floor(distance / size), unit);
    }
  }
  return 'just now';
}

/** An unambiguous timestamp for titles: "2026-11-24 10:00:00 UTC". */
export function formatAbsoluteTime(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "sha256:<64 hex>" → "sha256:abcd1234…"; the full digest belongs in a title. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  const algorithm = colon >= 0 ? digest.slice(0, colon + 1) : '';
  const hex = colon >= 0 ? digest.slice(colon + 1) : digest;
  return hex.length > 12 ? `${algorithm}${hex.slice(0, 8)}…` : digest;
}

/** Git's conventional 7-character abbreviation. */
export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** Nx task hashes are long; the first 10 characters tell them apart on a page. */
export function shortHash(hash: string): string {
  return hash.length > 10 ? `${hash.slice(0, 10)}…` : hash;
}

/** 0.423 → "42%"; a non-zero share below 1% says "<1%" rather than a misleading "0%". */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction < 0) return PLACEHOLDER;
  if (fraction > 0 && fraction < 0.005) return '<1%';
  return `${Math.round(fraction * 100)}%`;
}

const shortDateFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** A compact date for chart axes: "Nov 24" (UTC, like the titles). */
export function formatShortDate(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return PLACEHOLDER;
  return shortDateFormat.format(time);
}
