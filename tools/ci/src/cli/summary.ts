// summary: the run summary of the images, from the publish records the images
// jobs uploaded as artifacts.
//   node -r @swc-node/register tools/ci/src/cli/summary.ts --dir <downloaded artifacts> [--planned '["api","web"]']
// Appends Markdown to $GITHUB_STEP_SUMMARY (stdout when it is unset). Exits 1
// when a planned image has no record, so a failed image shows in the summary
// job too.
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseProjects } from '../plan';
import { readRecords, summaryMarkdown } from '../summary';

function main(): number {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, planned: { type: 'string', default: '[]' } } });
  if (!values.dir) throw new Error('usage: summary --dir <artifacts dir> [--planned <JSON array of projects>]');
  const planned = parseProjects(values.planned);
  const records = readRecords(values.dir);
  const text = summaryMarkdown(records, planned);
  const file = process.env['GITHUB_STEP_SUMMARY'];
  if (file) appendFileSync(file, text);
  else process.stdout.write(text);
  const missing = planned.filter((p) => !records.some((r) => r.project === p));
  if (missing.length > 0) console.error(`summary: no publish record for ${missing.join(', ')}`);
  return missing.length > 0 ? 1 : 0;
}

try {
  process.exit(main());
} catch (e) {
  console.error(`summary: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
