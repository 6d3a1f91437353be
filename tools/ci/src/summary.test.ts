import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PublishRecord } from '@slipway/images/src/publish/record';
import { readRecords, summaryMarkdown } from './summary';

const record = (project: string, outcome: 'built' | 'reused', extra: Partial<PublishRecord> = {}): PublishRecord => ({
  project,
  image: `rg.fr-par.scw.cloud/ns/slipway-${project}`,
  digest: `sha256:${project[0]?.repeat(64)}`,
  tags: ['abc1234', 'main'],
  sizeBytes: 12_345_678,
  sizeKind: 'compressed',
  platform: 'linux/amd64',
  gitSha: 'abc1234'.padEnd(40, '0'),
  builtFrom: outcome === 'built' ? 'abc1234'.padEnd(40, '0') : 'def5678'.padEnd(40, '0'),
  nxHash: '1',
  outcome,
  reason: '',
  durationMs: 1,
  rebuilt: false,
  publishedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('summaryMarkdown', () => {
  it('has a row per image with its digest, size and outcome', () => {
    const md = summaryMarkdown([record('api', 'built'), record('web', 'reused')], ['api', 'web']);
    expect(md).toContain('| image | digest | size | outcome | tags |');
    expect(md).toContain(`| rg.fr-par.scw.cloud/ns/slipway-api | \`sha256:${'a'.repeat(64)}\` | 12.3 MB compressed | built | abc1234, main |`);
    expect(md).toContain('| reused (from def5678) |');
    expect(md).toContain('1 built, 1 reused.');
    expect(md).not.toContain('No publish record');
  });

  it('says when a cached image had to be rebuilt', () => {
    expect(summaryMarkdown([record('api', 'built', { rebuilt: true })])).toContain('built (rebuilt: cached image was unusable)');
  });

  it('says when a reused image got no tag (a pull request verifying main\'s image)', () => {
    expect(summaryMarkdown([record('api', 'reused', { tags: [] })])).toContain('| reused (from def5678) | none (verified by digest) |');
  });

  it('names planned images without a record', () => {
    expect(summaryMarkdown([record('api', 'built')], ['api', 'web'])).toContain('No publish record for: web');
  });

  it('says that nothing was built when nothing was planned', () => {
    expect(summaryMarkdown([], [])).toContain('nothing was built or pushed');
  });
});

describe('readRecords', () => {
  it('finds publish.json in every artifact folder and refuses a broken one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ci-summary-'));
    for (const p of ['web', 'api']) {
      mkdirSync(join(dir, `image-${p}`));
      writeFileSync(join(dir, `image-${p}`, 'publish.json'), JSON.stringify(record(p, 'built')));
      writeFileSync(join(dir, `image-${p}`, 'metadata.json'), '{}');
    }
    expect(readRecords(dir).map((r) => r.project)).toEqual(['api', 'web']);
    expect(readRecords(join(dir, 'absent'))).toEqual([]);
    writeFileSync(join(dir, 'image-web', 'publish.json'), '{"project":"web"}');
    expect(() => readRecords(dir)).toThrow(/image-web\/publish.json is not a publish record/);
  });
});
