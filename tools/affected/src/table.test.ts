import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectedOutcome, IMAGE_PROJECTS, ownImageProjects, ROWS } from './rows';
import { diffOutcomes, markdownTable } from './table';

describe('the affected table', () => {
  it('docs/affected.md shows the expected table of rows.ts', () => {
    const doc = readFileSync(join(__dirname, '../../../docs/affected.md'), 'utf8');
    expect(doc).toContain(markdownTable(ROWS));
  });

  it('every row names its files and sorted image projects', () => {
    for (const row of ROWS) {
      expect(row.files.length, row.change).toBeGreaterThan(0);
      expect(row.affected, row.change).toEqual([...row.affected].sort());
      expect(row.rebuilt, row.change).toEqual([...row.rebuilt].sort());
      // The plan keeps what is affected and gets a new hash: nothing else, nothing less.
      expect(row.planned, row.change).toEqual(row.affected.filter((p) => row.rebuilt.includes(p)));
      expect(row.reason, row.change).not.toBe('');
    }
    expect(new Set(ROWS.map((r) => r.change)).size).toBe(ROWS.length);
  });

  it("keeps to the repository's own image projects, so a generated service changes no row", () => {
    expect(ownImageProjects(['web', 'demo', 'api', 'go-httpx', 'cache'])).toEqual(['api', 'cache', 'web']);
    expect(ownImageProjects(['demo'])).toEqual([]);
    expect(ownImageProjects([...IMAGE_PROJECTS].reverse())).toEqual([...IMAGE_PROJECTS]);
    for (const row of ROWS) expect(row.affected, row.change).toEqual(ownImageProjects(row.affected));
  });

  it('a diff names the rows that differ, expected and actual, then the actual table', () => {
    const expected = ROWS.slice(0, 2).map(expectedOutcome);
    expect(diffOutcomes(expected, expected)).toBe('');
    const [first, second] = expected;
    if (!first || !second) throw new Error('need two rows');
    const actual = [first, { ...second, rebuilt: ['api', 'web'] }];
    const diff = diffOutcomes(expected, actual);
    expect(diff).toContain('1 row(s) of the affected table do not hold');
    expect(diff).toContain(`row 2: ${second.change}`);
    expect(diff).toContain('  - expected  affected: web   hash changed: —   plan keeps: —');
    expect(diff).toContain('  + actual    affected: web   hash changed: api, web   plan keeps: —');
    expect(diff).toContain('actual table:');
    expect(diff).not.toContain('row 1:');
  });
});
