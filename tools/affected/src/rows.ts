// Over 300 lines on purpose: the affected table's rows are one list, read top to bottom as the table reads.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository's own projects that ship an image (have a `docker-build` target). The
 * table is about these: a service added later (`nx g @slipway/nx-go:service`) gets a
 * docker-build target too, and the suite leaves it out of every row (ownImageProjects).
 */
export const IMAGE_PROJECTS = ['api', 'cache', 'web'] as const;
export type ImageProject = (typeof IMAGE_PROJECTS)[number];

/** The repository's own image projects among `projects`, sorted; any other project is left out. */
export function ownImageProjects(projects: readonly string[]): ImageProject[] {
  return IMAGE_PROJECTS.filter((p) => projects.includes(p));
}

/** One change to the workspace and what it must do to the affected graph and the image hashes. */
export interface Row {
  /** What changes, as the table shows it. */
  change: string;
  /** The files the change touches (the suite checks the commit touches exactly these). */
  files: string[];
  /** Makes the change in the workspace at `root`. */
  edit: (root: string) => void;
  /** `nx show projects --affected --withTarget docker-build`, sorted. */
  affected: ImageProject[];
  /** The image projects whose docker-build hash changes, sorted. */
  rebuilt: ImageProject[];
  /** The image projects the CI plan keeps (tools/ci: affected, and a changed docker-build hash), sorted. */
  planned: ImageProject[];
  /** Why, in one line. */
  reason: string;
}

/** What one row did: the part of a row the suite measures. */
export interface Outcome {
  change: string;
  affected: string[];
  rebuilt: string[];
  planned: string[];
}

function append(file: string, text: string): (root: string) => void {
  return (root) => appendFileSync(join(root, file), text);
}

/** Replaces one exact string; throws if it is not there, so a row can never turn into a no-op. */
function replace(file: string, from: string, to: string): (root: string) => void {
  return (root) => {
    const path = join(root, file);
    const text = readFileSync(path, 'utf8');
    if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`);
    writeFileSync(path, text.replace(from, to));
  };
}

function both(...edits: ((root: string) => void)[]): (root: string) => void {
  return (root) => edits.forEach((e) => e(root));
}

/**
 * A lockfile-only version change of one package, as `npm install` writes it when
 * the package moves within the ranges its dependents ask for: the version and
 * its registry integrity (both real, from the npm registry).
 */
function lockVersion(pkg: string, from: [string, string], to: [string, string]): (root: string) => void {
  return (root) => {
    const path = join(root, 'package-lock.json');
    const text = readFileSync(path, 'utf8');
    const entry = `"node_modules/${pkg}": {\n      "version": "${from[0]}",\n      "integrity": "${from[1]}"`;
    if (!text.includes(entry)) throw new Error(`package-lock.json has no ${pkg}@${from[0]} entry`);
    writeFileSync(path, text.replace(entry, `"node_modules/${pkg}": {\n      "version": "${to[0]}",\n      "integrity": "${to[1]}"`));
  };
}

const POSTCSS_8_5_33 = 'sha512-RVHEU9/Pp1Fnjr/MpAJsZoADukCKhfIi15OunEYiGktIkYLkPVvC1sioWolGDS7XByMTx9m/IGbro0Js13zhnQ==';
const POSTCSS_8_5_32 = 'sha512-LJlKCCAUFKOuZxipUdYw1NzIITEsPcgyOG9LkvRJvuKj/bRzbuRY0ARXvL0pWGpsZvn8jku+LMep2eU0seHp8g==';
const ESQUERY_1_7_0 = 'sha512-Ap6G0WQwcU/LHsvLwON1fAQX9Zp0A2Y6Y/cJBl9r/JbW90Zyg4/zbG6zzKa2OTALELarYHmKu0GhpM5EO+7T0g==';
const ESQUERY_1_6_0 = 'sha512-ca9pw9fomFcKPvFLXhBKUK90ZvGibiGOvRJNbjljY7s7uq/5YO4BOzcYtJqExdx99rF6aAcnRxHmcUHcz6sQsg==';

/** A go.sum line of a module version the build does not use (real checksum, from the Go checksum database). */
const EXTRA_GO_SUM = 'golang.org/x/text v0.3.0/go.mod h1:NqM8EUOU14njkJ3fqMW+pc6Ldnwhi/IjpwHt7yyuwOQ=\n';

function addUnusedNamedInput(root: string): void {
  const path = join(root, 'nx.json');
  const nxJson = JSON.parse(readFileSync(path, 'utf8')) as { namedInputs: Record<string, string[]> };
  nxJson.namedInputs['affectedSuiteUnused'] = ['{projectRoot}/**/*.unused'];
  writeFileSync(path, `${JSON.stringify(nxJson, null, 2)}\n`);
}

const probe = '\n// changed by the affected-graph suite\n';

/** A module version change as `go get module@version` writes it: the require line, and the new version's go.sum lines. */
function goGet(module: string, from: string, [to, sum, modSum]: [string, string, string]): (root: string) => void {
  return both(replace('go/go.mod', `\t${module} ${from} // indirect\n`, `\t${module} ${to} // indirect\n`), (root) => {
    const path = join(root, 'go/go.sum');
    const text = readFileSync(path, 'utf8');
    const after = `${module} ${from}/go.mod `;
    const at = text.indexOf('\n', text.indexOf(after));
    if (text.indexOf(after) === -1 || at === -1) throw new Error(`go.sum has no ${module} ${from}/go.mod line`);
    writeFileSync(path, `${text.slice(0, at + 1)}${module} ${to} ${sum}\n${module} ${to}/go.mod ${modSum}\n${text.slice(at + 1)}`);
  });
}

function write(file: string, text: string): (root: string) => void {
  return (root) => {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  };
}

// go.sum lines of module versions the rows move to (the checksums `go get` writes, h1: of the module zip and of its go.mod).
const COMPRESS_1_20_2 = 'h1:v5tiZvm1KGLyg5d5oXdXe3lsSPrbEUiKoXGia//I7Qo=';
const COMPRESS_1_20_2_MOD = 'h1:LUdAzn7YLVvxLpc7y3V1m40wESHTgc1422pwwBSKYuI=';
const PUDDLE_2_2_4 = 'h1:N6Mz6EGB9DL0bz3OEfxJ7eoOpjRHnnjpOh+G8kbLoG8=';
const PUDDLE_2_2_4_MOD = 'h1:vriiEXHvEE654aYKXXjOvZM39qJ0q+azkZFrfEOc3H4=';

/** A package new to go-httpx, and a file of cache that imports it. */
const NEW_PACKAGE = ['// Package suiterow is new to go-httpx in a row of the affected-graph suite.', 'package suiterow', '', '// Attempts is how often to try.', 'const Attempts = 3', ''].join('\n');
const IMPORT_NEW_PACKAGE = ['package main', '', '// Added by a row of the affected-graph suite: cache links the new package.', 'import "slipway/libs/httpx/suiterow"', '', 'var _ = suiterow.Attempts', ''].join('\n');


/** The expected table. docs/affected.md shows the same rows (a test keeps the two in step). */
export const ROWS: Row[] = [
  {
    change: 'web source file (apps/web/src/lib/format.ts)',
    files: ['apps/web/src/lib/format.ts'],
    edit: append('apps/web/src/lib/format.ts', probe),
    affected: ['web'],
    rebuilt: ['web'],
    planned: ['web'],
    reason: "a production file of web: web's `production` input",
  },
  {
    change: 'web test file (apps/web/src/app/app.test.tsx)',
    files: ['apps/web/src/app/app.test.tsx'],
    edit: append('apps/web/src/app/app.test.tsx', probe),
    affected: ['web'],
    rebuilt: [],
    planned: [],
    reason: 'web is affected (a file of the project), but `production` leaves tests out of the image hash',
  },
  {
    change: 'used TS library (libs/api-contract/src/index.ts)',
    files: ['libs/api-contract/src/index.ts'],
    edit: append('libs/api-contract/src/index.ts', probe),
    affected: ['api', 'web'],
    rebuilt: ['web'],
    planned: ['web'],
    reason: "web imports it (`^production`); api depends on the contract, so it is affected, but its image is built from its Go build closure, in which the contract library has no file",
  },
  {
    change: 'contract drift test (tools/api-codegen/src/contract.test.ts)',
    files: ['tools/api-codegen/src/contract.test.ts'],
    edit: append('tools/api-codegen/src/contract.test.ts', probe),
    affected: [],
    rebuilt: [],
    planned: [],
    reason: 'the drift tests live in their own tool project, which no image project depends on; so the contract library has no npm dependencies for dependents to inherit',
  },
  {
    change: 'unused TS library (libs/unused-lib/src/index.ts, fixture)',
    files: ['libs/unused-lib/src/index.ts'],
    edit: append('libs/unused-lib/src/index.ts', probe),
    affected: [],
    rebuilt: [],
    planned: [],
    reason: 'no project depends on it, so it reaches no image',
  },
  {
    change: 'API contract (libs/api-contract/openapi.yaml)',
    files: ['libs/api-contract/openapi.yaml'],
    edit: replace('libs/api-contract/openapi.yaml', '# The ledger API contract:', '# The ledger API contract (changed by the affected-graph suite):'),
    affected: ['api', 'web'],
    rebuilt: ['web'],
    planned: ['web'],
    reason: "the source of the TS types web builds with (and copied into web's builder): web rebuilds; api compiles the Go types generated from it, not the file, so api rebuilds when those change (row 22), and the drift tests keep them in step",
  },
  {
    change: 'Go service file (go/apps/api/run.go)',
    files: ['go/apps/api/run.go'],
    edit: append('go/apps/api/run.go', probe),
    affected: ['api'],
    rebuilt: ['api'],
    planned: ['api'],
    reason: "a file of api's build closure (its main package); no other project depends on an app",
  },
  {
    change: 'Go library used by one service (go/libs/onlyapi/onlyapi.go, fixture)',
    files: ['go/libs/onlyapi/onlyapi.go'],
    edit: append('go/libs/onlyapi/onlyapi.go', probe),
    affected: ['api'],
    rebuilt: ['api'],
    planned: ['api'],
    reason: "only api links it (`go list` edge api → go-onlyapi): a file of api's build closure alone",
  },
  {
    change: 'Go library used by all services (go/libs/httpx/server.go)',
    files: ['go/libs/httpx/server.go'],
    edit: append('go/libs/httpx/server.go', probe),
    affected: ['api', 'cache'],
    rebuilt: ['api', 'cache'],
    planned: ['api', 'cache'],
    reason: 'api and cache both link the go-httpx package: a file of both build closures',
  },
  {
    change: 'Go test file (go/libs/httpx/server_test.go)',
    files: ['go/libs/httpx/server_test.go'],
    edit: append('go/libs/httpx/server_test.go', probe),
    affected: ['api', 'cache'],
    rebuilt: [],
    planned: [],
    reason: 'affected is per project (go-httpx changed, so its dependents), but a `_test.go` file is in no build closure',
  },
  {
    change: 'Go test-only library (go/libs/testkit/testkit.go)',
    files: ['go/libs/testkit/testkit.go'],
    edit: append('go/libs/testkit/testkit.go', probe),
    affected: ['api', 'cache'],
    rebuilt: [],
    planned: [],
    reason: 'tests of api, cache (and go-httpx) import it, so they are affected; no binary links it (a `testOnlyLibs` library: production imports fail the graph)',
  },
  {
    change: 'Go checksums: a line for a version no service builds with (go/go.sum, golang.org/x/text v0.3.0)',
    files: ['go/go.sum'],
    edit: append('go/go.sum', EXTRA_GO_SUM),
    affected: ['api', 'cache'],
    rebuilt: [],
    planned: [],
    reason: "go.sum is an input of every Go project's tests, so both are affected; an image takes go.sum's lines of the module versions it links, and no service links x/text v0.3.0",
  },
  {
    change: 'lockfile: a package web builds with (postcss 8.5.33 → 8.5.32)',
    files: ['package-lock.json'],
    edit: lockVersion('postcss', ['8.5.33', POSTCSS_8_5_33], ['8.5.32', POSTCSS_8_5_32]),
    affected: ['web'],
    rebuilt: ['web'],
    planned: ['web'],
    reason:
      "`projectsAffectedByDependencyUpdates: auto`: Nx diffs the lockfile and marks the projects whose graph reaches postcss (web, through vite); web's pruned lockfile changes, so web rebuilds; no Go project reaches an npm package",
  },
  {
    change: 'lockfile: a package web does not ship (esquery 1.7.0 → 1.6.0, of ESLint)',
    files: ['package-lock.json'],
    edit: lockVersion('esquery', ['1.7.0', ESQUERY_1_7_0], ['1.6.0', ESQUERY_1_6_0]),
    affected: ['web'],
    rebuilt: ['web'],
    planned: ['web'],
    reason:
      "web's project graph reaches esquery (an ESLint package), and Nx hashes the npm packages a project's graph reaches into every task of it, docker-build included; web's pruned lockfile stays byte-identical, so the rebuild gives the same digest. A known cost: Nx cannot tell a build dependency from a lint one here",
  },
  {
    change: 'web Dockerfile (apps/web/Dockerfile)',
    files: ['apps/web/Dockerfile'],
    edit: append('apps/web/Dockerfile', '\n# changed by the affected-graph suite\n'),
    affected: ['web'],
    rebuilt: ['web'],
    planned: ['web'],
    reason: "a file of web and an input of its docker-build",
  },
  {
    change: 'Go Dockerfile (go/Dockerfile.multi-stage)',
    files: ['go/Dockerfile.multi-stage'],
    edit: append('go/Dockerfile.multi-stage', '\n# changed by the affected-graph suite\n'),
    affected: ['api', 'cache'],
    rebuilt: ['api', 'cache'],
    planned: ['api', 'cache'],
    reason: 'a workspace-root input of every Go service docker-build',
  },
  {
    change: 'root ignore file (.dockerignore)',
    files: ['.dockerignore'],
    edit: append('.dockerignore', '**/*.swp\n'),
    affected: ['web'],
    rebuilt: ['web'],
    planned: ['web'],
    reason: "the ignore file of web's build context (the repository root)",
  },
  {
    change: 'Go ignore file (go/.dockerignore)',
    files: ['go/.dockerignore'],
    edit: append('go/.dockerignore', '**/*.swp\n'),
    affected: ['api', 'cache'],
    rebuilt: ['api', 'cache'],
    planned: ['api', 'cache'],
    reason: 'the ignore file of the Go build context (go/)',
  },
  {
    change: 'docs (README.md, docs/images.md)',
    files: ['README.md', 'docs/images.md'],
    edit: both(append('README.md', '\nChanged by the affected-graph suite.\n'), append('docs/images.md', '\nChanged by the affected-graph suite.\n')),
    affected: [],
    rebuilt: [],
    planned: [],
    reason: 'in no project and no input',
  },
  {
    change: 'nx.json (a named input nobody uses)',
    files: ['nx.json'],
    edit: addUnusedNamedInput,
    affected: ['api', 'cache', 'web'],
    rebuilt: ['api', 'cache', 'web'],
    planned: ['api', 'cache', 'web'],
    reason: 'Nx marks every project affected when nx.json changes, and hashes nx.json (with .gitignore, .nxignore) into every task',
  },
  {
    change: 'CI workflow (.github/workflows/ci.yml, fixture)',
    files: ['.github/workflows/ci.yml'],
    edit: replace('.github/workflows/ci.yml', 'fetch-depth: 0', 'fetch-depth: 0\n          filter: blob:none'),
    affected: [],
    rebuilt: [],
    planned: [],
    reason: 'in no project and no input',
  },
  {
    change: 'generated Go types of the API contract (go/apps/api/internal/apitypes/apitypes.gen.go)',
    files: ['go/apps/api/internal/apitypes/apitypes.gen.go'],
    edit: append('go/apps/api/internal/apitypes/apitypes.gen.go', probe),
    affected: ['api'],
    rebuilt: ['api'],
    planned: ['api'],
    reason: "a file of api's build closure: what api takes from the contract (row 6)",
  },
  {
    change: "seed generator (go/apps/api/internal/seed/history.go)",
    files: ['go/apps/api/internal/seed/history.go'],
    edit: append('go/apps/api/internal/seed/history.go', probe),
    affected: ['api'],
    rebuilt: [],
    planned: [],
    reason: 'a file of the api project, so api is affected; only `cmd/seed` imports the package, the service binary does not link it: the plan drops api',
  },
  {
    change: 'a cmd/ tool of an app (go/apps/api/cmd/seed/main.go)',
    files: ['go/apps/api/cmd/seed/main.go'],
    edit: append('go/apps/api/cmd/seed/main.go', probe),
    affected: ['api'],
    rebuilt: [],
    planned: [],
    reason: 'a main package of its own inside the api project: affected, in no build closure of a service',
  },
  {
    change: 'an unlinked package of a linked library (go/libs/httpx/unlinked/unlinked.go, fixture)',
    files: ['go/libs/httpx/unlinked/unlinked.go'],
    edit: append('go/libs/httpx/unlinked/unlinked.go', probe),
    affected: ['api', 'cache'],
    rebuilt: [],
    planned: [],
    reason: 'go-httpx changed, so its dependents are affected; both link the go-httpx package, neither this one',
  },
  {
    change: 'go.mod and go.sum: a module only cache links (github.com/klauspost/compress v1.19.2 → v1.20.2)',
    files: ['go/go.mod', 'go/go.sum'],
    edit: goGet('github.com/klauspost/compress', 'v1.19.2', ['v1.20.2', COMPRESS_1_20_2, COMPRESS_1_20_2_MOD]),
    affected: ['api', 'cache'],
    rebuilt: ['cache'],
    planned: ['cache'],
    reason: "go.mod and go.sum are inputs of every Go project's tests; the module is in cache's build list (through minio-go), not api's",
  },
  {
    change: 'go.mod and go.sum: a module only api links (github.com/jackc/puddle/v2 v2.2.3 → v2.2.4)',
    files: ['go/go.mod', 'go/go.sum'],
    edit: goGet('github.com/jackc/puddle/v2', 'v2.2.3', ['v2.2.4', PUDDLE_2_2_4, PUDDLE_2_2_4_MOD]),
    affected: ['api', 'cache'],
    rebuilt: ['api'],
    planned: ['api'],
    reason: "the same, the other way round: the module is in api's build list (through pgx's pool), not cache's",
  },
  {
    change: 'go directive (go/go.mod, go 1.25.0 → 1.25.1)',
    files: ['go/go.mod'],
    edit: replace('go/go.mod', '\ngo 1.25.0\n', '\ngo 1.25.1\n'),
    affected: ['api', 'cache'],
    rebuilt: ['api', 'cache'],
    planned: ['api', 'cache'],
    reason: "go.mod's directives other than `require` (go, toolchain, godebug, replace, exclude, retract) reach every Go image (the `go:go.mod` node)",
  },
  {
    change: 'go.mod that Go cannot parse (go/go.mod)',
    files: ['go/go.mod'],
    edit: append('go/go.mod', '\nthis is not a go.mod directive\n'),
    affected: ['api', 'cache'],
    rebuilt: ['api', 'cache'],
    planned: ['api', 'cache'],
    reason: 'go list cannot load the module, so no closure is known: every Go service takes the whole module (the safe side)',
  },
  {
    change: 'an embedded file: a migration (go/apps/api/internal/store/migrations/sqlite/0001_create_builds.sql)',
    files: ['go/apps/api/internal/store/migrations/sqlite/0001_create_builds.sql'],
    edit: append('go/apps/api/internal/store/migrations/sqlite/0001_create_builds.sql', '\n-- changed by the affected-graph suite\n'),
    affected: ['api'],
    rebuilt: ['api'],
    planned: ['api'],
    reason: "`//go:embed migrations/*/*.sql` in the store package: an `EmbedFiles` entry of api's build closure",
  },
  {
    change: 'a new package added to a library, imported by one service (go/libs/httpx/suiterow/suiterow.go, go/apps/cache/suiterow.go)',
    files: ['go/apps/cache/suiterow.go', 'go/libs/httpx/suiterow/suiterow.go'],
    edit: both(write('go/libs/httpx/suiterow/suiterow.go', NEW_PACKAGE), write('go/apps/cache/suiterow.go', IMPORT_NEW_PACKAGE)),
    affected: ['api', 'cache'],
    rebuilt: ['cache'],
    planned: ['cache'],
    reason: 'go-httpx changed, so api and cache are affected; only cache links the new package',
  },
];

/** The outcome a row expects. */
export function expectedOutcome(row: Row): Outcome {
  return { change: row.change, affected: [...row.affected].sort(), rebuilt: [...row.rebuilt].sort(), planned: [...row.planned].sort() };
}
