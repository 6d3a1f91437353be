// The affected-graph proof: in one throwaway copy of the workspace, each row of
// the table (./rows.ts, shown in docs/affected.md) changes something in a commit
// on top of the same base, then the suite records
//   (a) what `nx show projects --affected --withTarget docker-build` prints, and
//   (b) which image projects get a new docker-build hash (Nx's own task hash,
//       from ./nx-hashes.ts; no image is built, no Docker needed),
// and compares the whole table with the expected one at once.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
// The CI plan's rule (@slipway/ci), and the workspace-copy and nested-Nx helpers shared by the tool tests (@slipway/testing).
import { keepChangedHashes } from '@slipway/ci/src/plan';
import { nestedNxEnv, runNx } from '@slipway/testing/src/nx-runner';
import { copyWorkspace, type WorkspaceCopy } from '@slipway/testing/src/workspace-copy';
import { writeBaseFixtures } from './fixtures';
import { expectedOutcome, IMAGE_PROJECTS, ownImageProjects, ROWS, type Outcome, type Row } from './rows';
import { diffOutcomes, formatOutcome } from './table';

const HASH_SCRIPT = join(__dirname, 'nx-hashes.ts');

type Hashes = Record<string, string>;

describe('affected graph and docker-build hashes', () => {
  let ws: WorkspaceCopy;
  let base = '';
  let baseHashes: Hashes = {};
  // Keep Nx's cache inside the copy, so removing the copy removes it.
  const env = (): Record<string, string> => ({ NX_CACHE_DIRECTORY: join(ws.root, '.nx', 'cache') });

  function fail(what: string, output: string): never {
    throw new Error(`${what} failed:\n${output.slice(-6000)}`);
  }

  /** `nx show projects --affected --withTarget docker-build --json` between base and head, sorted. */
  function affected(head: string): string[] {
    const r = spawnSync(
      'npx',
      ['nx', 'show', 'projects', '--affected', '--withTarget', 'docker-build', '--json', `--base=${base}`, `--head=${head}`],
      { cwd: ws.root, env: nestedNxEnv(env()), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    if (r.status !== 0) fail('nx show projects --affected', `${r.stdout}\n${r.stderr}`);
    const json = r.stdout.split('\n').find((l) => l.trim().startsWith('['));
    if (!json) fail('nx show projects --affected (no JSON)', `${r.stdout}\n${r.stderr}`);
    return (JSON.parse(json) as string[]).sort();
  }

  /**
   * Nx's docker-build hashes of the current state. web's hash reads the output of
   * web:docker-deps, so that runs first (cached, so fast when its inputs are unchanged).
   * `graphSince`: an Nx command has just computed and cached the project graph of this
   * state at or after that time, so the two steps here reuse it, as Nx does in a task.
   */
  function hashes(graphSince?: number): Hashes {
    const since = graphSince ?? Date.now();
    const reuse: Record<string, string> = graphSince === undefined ? {} : { NX_FORCE_REUSE_CACHED_GRAPH: 'true' };
    const deps = runNx(ws.root, ['run', 'web:docker-deps', '--outputStyle=stream'], { ...env(), ...reuse });
    if (deps.status !== 0) fail('nx run web:docker-deps', deps.output);
    const r = spawnSync('node', ['-r', '@swc-node/register', HASH_SCRIPT, '--since', String(since)], {
      cwd: ws.root,
      env: nestedNxEnv(env()),
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.status !== 0) fail('nx-hashes', `${r.stdout}\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Hashes;
  }

  function measure(row: Row): Outcome {
    const started = Date.now();
    ws.git('checkout', '-q', '-f', '-B', 'affected-row', base);
    ws.git('clean', '-fdq', '-e', 'node_modules');
    row.edit(ws.root);
    const head = ws.commit(row.change);
    const touched = ws.git('diff', '--name-only', base, head).split('\n').filter(Boolean).sort();
    expect(touched, `files the row "${row.change}" changes`).toEqual([...row.files].sort());
    const since = Date.now();
    // The table names the repository's own image projects; a generated service is left out.
    const projects = ownImageProjects(affected(head));
    const now = hashes(since);
    const rebuilt = IMAGE_PROJECTS.filter((p) => {
      const id = `${p}:docker-build`;
      if (!baseHashes[id] || !now[id]) throw new Error(`no docker-build hash for ${p}: ${JSON.stringify(now)}`);
      return baseHashes[id] !== now[id];
    });
    // What the CI plan keeps of the affected projects, by its own rule.
    const { keep } = keepChangedHashes(projects, baseHashes, now);
    console.log(`row "${row.change}": ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return { change: row.change, affected: projects, rebuilt: [...rebuilt].sort(), planned: keep };
  }

  beforeAll(() => {
    ws = copyWorkspace('slipway-affected-');
    writeBaseFixtures(ws.root);
    // The fixtures join the copy's first commit: the base of every row.
    ws.git('add', '-A');
    ws.git('commit', '-q', '--amend', '--no-edit');
    base = ws.git('rev-parse', 'HEAD');
    expect(ws.git('rev-list', '--count', 'HEAD')).toBe('1');
    // The Go fixture keeps the module compiling.
    execFileSync('go', ['build', './...'], { cwd: join(ws.root, 'go'), stdio: 'pipe', env: { ...process.env, GOFLAGS: '-mod=mod' } });
    baseHashes = hashes();
    for (const p of IMAGE_PROJECTS) expect(baseHashes[`${p}:docker-build`], `base hash of ${p}`).toMatch(/^\d+$/);
  });

  it("computes the hash Nx itself gives a task (web:docker-deps, cached under that hash)", () => {
    const depsHash = baseHashes['web:docker-deps'] ?? '';
    expect(depsHash).toMatch(/^\d+$/);
    expect(existsSync(join(ws.root, '.nx', 'cache', depsHash)), `Nx cached web:docker-deps under ${depsHash}`).toBe(true);
  });

  afterAll(() => ws?.remove());

  it('every row of the affected table holds', () => {
    const started = Date.now();
    const actual = ROWS.map((row) => measure(row));
    console.log(
      `affected table (${ROWS.length} rows, ${Math.round((Date.now() - started) / 1000)} s):\n` +
        actual.map((o, i) => `${String(i + 1).padStart(2)}. ${formatOutcome(o)}`).join('\n'),
    );
    const expected = ROWS.map(expectedOutcome);
    const diff = diffOutcomes(expected, actual);
    if (diff) throw new Error(diff);
    expect(actual).toEqual(expected);
  }, 1_800_000);
});
