import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Files the suite adds to the workspace copy's base commit, for rows the real
 * repository has nothing to point at yet. Each is small, marked as a fixture, and
 * behaves like the real thing: the library is a workspace package Nx sees as a
 * project, the Go library is imported by the api (so `go list` draws the edge and
 * the api still compiles), the workflow is a plausible CI file.
 */
export const BASE_FIXTURES: Readonly<Record<string, string>> = {
  // A TypeScript library no project imports.
  'libs/unused-lib/package.json': `${JSON.stringify(
    {
      name: '@slipway/unused-lib',
      version: '0.0.0',
      private: true,
      description: 'Fixture of the affected-graph suite: a library no project imports.',
      type: 'module',
      main: './src/index.ts',
      nx: { name: 'unused-lib', tags: ['type:lib', 'scope:shared'] },
    },
    null,
    2,
  )}\n`,
  'libs/unused-lib/src/index.ts': `// Fixture of the affected-graph suite: no project imports this library.\nexport const unusedLib = 'unused';\n`,
  // A Go library only the api imports.
  'go/libs/onlyapi/onlyapi.go': [
    '// Package onlyapi is a fixture of the affected-graph suite: a library only the api imports.',
    'package onlyapi',
    '',
    '// Name names the library.',
    'const Name = "onlyapi"',
    '',
  ].join('\n'),
  'go/apps/api/onlyapi.go': [
    'package main',
    '',
    '// Fixture of the affected-graph suite: the api is the only importer of libs/onlyapi.',
    'import "slipway/libs/onlyapi"',
    '',
    'var _ = onlyapi.Name',
    '',
  ].join('\n'),
  // A package of a library both services link (go-httpx) that neither links.
  'go/libs/httpx/unlinked/unlinked.go': [
    '// Package unlinked is a fixture of the affected-graph suite: a package of go-httpx no service links.',
    'package unlinked',
    '',
    '// Name names the package.',
    'const Name = "unlinked"',
    '',
  ].join('\n'),
  // A CI workflow: not an input of any task.
  '.github/workflows/ci.yml': [
    '# Fixture of the affected-graph suite: a CI workflow.',
    'name: ci',
    'on:',
    '  pull_request:',
    '  push:',
    '    branches: [main]',
    'jobs:',
    '  images:',
    '    runs-on: ubuntu-latest',
    '    steps:',
    '      - uses: actions/checkout@v4',
    '        with:',
    '          fetch-depth: 0',
    '      - run: npm ci',
    '      - run: npx nx affected -t docker-build',
    '',
  ].join('\n'),
};

/** Writes the fixtures into a workspace copy. */
export function writeBaseFixtures(root: string): void {
  for (const [file, text] of Object.entries(BASE_FIXTURES)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
}
