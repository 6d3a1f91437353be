import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readPublishRecord, type PublishRecord } from '@slipway/images/src/publish/record';

/** Every publish.json under dir (artifacts download one folder per image), in project order. */
export function readRecords(dir: string): PublishRecord[] {
  if (!existsSync(dir)) return [];
  const files: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name === 'publish.json') files.push(join(d, e.name));
    }
  };
  walk(dir);
  return files.map(readPublishRecord).sort((a, b) => a.project.localeCompare(b.project));
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
const cell = (text: string) => text.replace(/\|/g, '\\|');

/**
 * The run summary: one row per image (image, digest, size, built or reused,
 * tags), and a line for each planned image that left no record (its job failed
 * or was cancelled).
 */
export function summaryMarkdown(records: readonly PublishRecord[], planned: readonly string[] = []): string {
  const lines = ['## Images', ''];
  if (records.length === 0 && planned.length === 0) {
    return [...lines, 'No image project is affected by this change: nothing was built or pushed.', ''].join('\n');
  }
  if (records.length > 0) {
    lines.push('| image | digest | size | outcome | tags |', '| --- | --- | --- | --- | --- |');
    for (const r of records) {
      const outcome = r.outcome === 'built' ? (r.rebuilt ? 'built (rebuilt: cached image was unusable)' : 'built') : `reused (from ${r.builtFrom.slice(0, 7)})`;
      const size = `${mb(r.sizeBytes)}${r.sizeKind === 'compressed' ? ' compressed' : ''}`;
      // A pull request verifies main's image by digest and gives it no tag.
      const tags = r.tags.length > 0 ? r.tags.join(', ') : 'none (verified by digest)';
      lines.push(`| ${cell(r.image)} | \`${r.digest}\` | ${size} | ${outcome} | ${cell(tags)} |`);
    }
    const built = records.filter((r) => r.outcome === 'built').length;
    lines.push('', `${built} built, ${records.length - built} reused.`);
  }
  const missing = planned.filter((p) => !records.some((r) => r.project === p));
  if (missing.length > 0) lines.push('', `No publish record for: ${missing.join(', ')} (see the failed images jobs).`);
  return [...lines, ''].join('\n');
}
