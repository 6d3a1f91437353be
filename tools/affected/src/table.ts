import { expectedOutcome, type Outcome, type Row } from './rows';

const list = (xs: readonly string[]): string => (xs.length ? xs.join(', ') : '—');

/** One outcome as a line of text. */
export function formatOutcome(o: Outcome): string {
  return `${o.change}\n    affected: ${list(o.affected)}   docker-build hash changed: ${list(o.rebuilt)}   plan keeps: ${list(o.planned)}`;
}

/**
 * A readable comparison of the expected and the actual table: every row that
 * differs, with both versions, then the whole actual table. Empty when equal.
 */
export function diffOutcomes(expected: readonly Outcome[], actual: readonly Outcome[]): string {
  const lines: string[] = [];
  const n = Math.max(expected.length, actual.length);
  for (let i = 0; i < n; i++) {
    const e = expected[i];
    const a = actual[i];
    if (JSON.stringify(e) === JSON.stringify(a)) continue;
    lines.push(`row ${i + 1}: ${e?.change ?? a?.change ?? '?'}`);
    if (e) lines.push(`  - expected  affected: ${list(e.affected)}   hash changed: ${list(e.rebuilt)}   plan keeps: ${list(e.planned)}`);
    if (a) lines.push(`  + actual    affected: ${list(a.affected)}   hash changed: ${list(a.rebuilt)}   plan keeps: ${list(a.planned)}`);
  }
  if (lines.length === 0) return '';
  return [
    `${lines.filter((l) => l.startsWith('row ')).length} row(s) of the affected table do not hold:`,
    ...lines,
    '',
    'actual table:',
    ...actual.map((o, i) => `${String(i + 1).padStart(2)}. ${formatOutcome(o)}`),
  ].join('\n');
}

/** The expected table as Markdown, as docs/affected.md shows it. */
export function markdownTable(rows: readonly Row[]): string {
  const out = [
    '| # | change | affected (with docker-build) | docker-build hash changes | plan keeps | why |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  rows.forEach((row, i) => {
    const o = expectedOutcome(row);
    const cell = (s: string) => s.replace(/\|/g, '\\|');
    out.push(`| ${i + 1} | ${cell(row.change)} | ${list(o.affected)} | ${list(o.rebuilt)} | ${list(o.planned)} | ${cell(row.reason)} |`);
  });
  return out.join('\n');
}
