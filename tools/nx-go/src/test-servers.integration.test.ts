// A Go project's test hash takes which test server it runs against (its kind and
// version), not where that server listens: with nx.json's own plugin options, a
// second run against servers on new ports and with new passwords is a cache hit,
// and another server kind runs again the tests of the project that uses it only.
// Real nested Nx runs on a small Go workspace (two one-test services).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { goAvailable } from '@slipway/testing/src/go-available';
import { cachedProjects, ranProjects, runNx } from '@slipway/testing/src/nx-runner';
import { workspaceRoot } from '@slipway/testing/src/workspace-copy';
import type { GoPluginOptions } from './go-projects';

const plugin = './tools/nx-go/src/plugin.ts';

/** A test that records the server variable it was given, so the outer test sees what reached `go test`. */
const recordingTest = (project: string, variable: string) => `package main

import (
	"os"
	"testing"
)

func TestServerVariable(t *testing.T) {
	f, err := os.OpenFile(os.Getenv("SERVER_RECORD_DIR")+"/${project}", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(os.Getenv("${variable}") + "\\n"); err != nil {
		t.Fatal(err)
	}
}
`;

/** The workspace's nx.json with only the Go plugin, and of its options only those that shape the test target. */
function nxJsonWithGoPlugin(): string {
  const nxJson = JSON.parse(readFileSync(join(workspaceRoot, 'nx.json'), 'utf8')) as { plugins: ({ plugin: string; options?: GoPluginOptions } | string)[] };
  const go = nxJson.plugins.find((p) => typeof p === 'object' && p.plugin === plugin);
  if (typeof go !== 'object') throw new Error(`nx.json has no ${plugin}`);
  const { testEnv, testInputs, testOnlyLibs } = go.options ?? {};
  return JSON.stringify({ ...nxJson, $schema: undefined, plugins: [{ plugin, options: { testEnv, testInputs, testOnlyLibs } }] }, null, 2);
}

describe.skipIf(!goAvailable('the Go test-server hash tests'))('Go test hashes and test servers', () => {
  let root = '';
  let records = '';

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'nx-go-servers-'));
    records = mkdtempSync(join(tmpdir(), 'nx-go-servers-seen-'));
    const files: Record<string, string> = {
      'nx.json': nxJsonWithGoPlugin(),
      'package.json': '{ "name": "servers", "private": true }\n',
      'tsconfig.base.json': readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8'),
      'go/go.mod': 'module example\n\ngo 1.25\n',
      'go/apps/api/main.go': 'package main\n\nfunc main() {}\n',
      'go/apps/api/main_test.go': recordingTest('api', 'API_TEST_DATABASE_URL'),
      'go/apps/cache/main.go': 'package main\n\nfunc main() {}\n',
      'go/apps/cache/main_test.go': recordingTest('cache', 'CACHE_TEST_S3_ENDPOINT'),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    symlinkSync(join(workspaceRoot, 'node_modules'), join(root, 'node_modules'), 'dir');
    // The plugin itself, as nx.json names it.
    mkdirSync(join(root, 'tools'));
    symlinkSync(join(workspaceRoot, 'tools/nx-go'), join(root, 'tools/nx-go'), 'dir');
  });

  afterAll(() => {
    for (const dir of [root, records]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** `nx run-many -t test` with these servers (an empty value: no server). */
  function testRun(servers: Record<string, string>) {
    const r = runNx(root, ['run-many', '-t', 'test', '--outputStyle=stream'], { CI: 'false', SERVER_RECORD_DIR: records, ...servers });
    expect(r.status, r.output.slice(-3000)).toBe(0);
    return { ran: ranProjects(r.output, 'test'), cached: cachedProjects(r.output, 'test') };
  }
  const seen = (project: string) => readFileSync(join(records, project), 'utf8').split('\n').slice(0, -1);

  const postgres = (port: number, password: string, kind = 'postgres-15') => ({
    API_TEST_DATABASE_URL: `postgres://slipway:${password}@127.0.0.1:${port}/ledger_test?sslmode=disable`,
    API_TEST_DATABASE_KIND: kind,
  });
  const minio = (port: number, key: string) => ({
    CACHE_TEST_S3_ENDPOINT: `http://127.0.0.1:${port}`,
    CACHE_TEST_S3_ACCESS_KEY: key,
    CACHE_TEST_S3_KIND: 'minio@v0.0.0-20260212201848-7aac2a2c5b7c',
  });

  it('run the tests once, with the server variables', () => {
    expect(testRun({ ...postgres(41001, 'first'), ...minio(42001, 'first') })).toEqual({ ran: ['api', 'cache'], cached: [] });
    expect(seen('api')).toEqual([postgres(41001, 'first').API_TEST_DATABASE_URL]);
    expect(seen('cache')).toEqual(['http://127.0.0.1:42001']);
  });

  it('are cache hits against the same servers on new ports with new passwords', () => {
    expect(testRun({ ...postgres(41002, 'second'), ...minio(42002, 'second') })).toEqual({ ran: [], cached: ['api', 'cache'] });
    expect(seen('api')).toHaveLength(1);
    expect(seen('cache')).toHaveLength(1);
  });

  it('run again for another PostgreSQL major version, api alone', () => {
    expect(testRun({ ...postgres(41003, 'third', 'postgres-16'), ...minio(42003, 'third') })).toEqual({ ran: ['api'], cached: ['cache'] });
    expect(seen('api')).toEqual([postgres(41001, 'first').API_TEST_DATABASE_URL, postgres(41003, 'third', 'postgres-16').API_TEST_DATABASE_URL]);
  });

  it('run again without an S3 server, cache alone', () => {
    const noS3 = { CACHE_TEST_S3_ENDPOINT: '', CACHE_TEST_S3_ACCESS_KEY: '', CACHE_TEST_S3_KIND: '' };
    expect(testRun({ ...postgres(41004, 'fourth', 'postgres-16'), ...noS3 })).toEqual({ ran: ['cache'], cached: ['api'] });
    expect(seen('cache')).toEqual(['http://127.0.0.1:42001', '']);
  });
});
