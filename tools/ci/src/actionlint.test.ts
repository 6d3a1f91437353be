// actionlint, as `nx run ci:actionlint` runs it (tools/ci/scripts/actionlint.sh):
// it passes the real workflow and rejects broken ones, so the lint is real.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goAvailable } from '@slipway/testing/src/go-available';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';

const script = join(workspaceRoot, 'tools/ci/scripts/actionlint.sh');
const workflow = readFileSync(join(workspaceRoot, '.github/workflows/ci.yml'), 'utf8');

function actionlint(text: string): { status: number | null; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
  const file = join(dir, 'ci.yml');
  writeFileSync(file, text);
  const r = spawnSync('bash', [script, file], { cwd: dir, encoding: 'utf8', timeout: 600_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe.skipIf(!goAvailable('the actionlint tests'))('actionlint', () => {
  it('passes the workflow as it is', () => {
    const r = actionlint(workflow);
    expect(r.output).toBe('');
    expect(r.status).toBe(0);
  });

  it.each([
    ['a job that needs a job that does not exist', ['needs: [plan, checks]\n', 'needs: [planning, checks]\n'], /job "images" needs job "planning" which does not exist/],
    ['an output the plan job does not have', ['needs.plan.outputs.has-images', 'needs.plan.outputs.has-image'], /property "has-image" is not defined/],
    ['a context that does not exist', ['name: image-${{ matrix.project }}', 'name: image-${{ matrx.project }}'], /undefined variable "matrx"/],
    ['a mistyped step key', ['        id: publish\n', '        idd: publish\n'], /unexpected key "idd"/],
  ])('rejects %s', (_why, [from, to], message) => {
    expect(workflow).toContain(from);
    const r = actionlint(workflow.replace(from as string, to as string));
    expect(r.status).toBe(1);
    expect(r.output).toMatch(message);
  });
});
