import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TargetConfiguration } from '@nx/devkit';
import { IMAGE_BUILD_ENV } from './go-deps';

/** Options of the Go plugin, set in nx.json. */
export interface GoPluginOptions {
  /** Environment defaults for `serve`, per project; values already set in the shell win. */
  devEnv?: Record<string, Record<string, string>>;
  /** Environment variables that change what every project's Go tests do (e.g. CI turns skips into failures); part of each test hash. */
  testEnv?: string[];
  /**
   * Extra test inputs per project, in Nx's input syntax: fixtures a test reads from
   * outside the project, or `{ "env": "…" }` for a variable only that project's tests
   * depend on (which server they run against, not where it listens).
   */
  testInputs?: Record<string, TestInput[]>;
  /**
   * Go libraries imported only by tests (e.g. go-testkit). Their files reach their
   * dependents' test hashes but no build or image hash; production code importing
   * one fails the graph computation.
   */
  testOnlyLibs?: string[];
  /** Dependencies no Go import shows, per project, e.g. a Go service on the contract its types are generated from. */
  implicitDependencies?: Record<string, string[]>;
}

/** One target input as nx.json writes it: a file pattern, a named input, `{ "env": … }`, … */
export type TestInput = NonNullable<TargetConfiguration['inputs']>[number];

/** One Go project: a deployable under go/apps or a library under go/libs. */
export interface GoProject {
  name: string;
  /** Root relative to the workspace, e.g. `go/apps/api`. */
  root: string;
  /** Root relative to the Go module, e.g. `apps/api`. */
  modulePath: string;
  kind: 'app' | 'lib';
}

/** Where the Go module lives, relative to the workspace root. */
export const GO_MODULE_ROOT = 'go';

/** Pinned so every machine prints the same test summary. */
export const GOTESTSUM = 'gotest.tools/gotestsum@v1.13.0';

function hasGoFiles(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some(
    (e) => (e.isFile() && e.name.endsWith('.go')) || (e.isDirectory() && hasGoFiles(join(dir, e.name))),
  );
}

/**
 * Lists the Go projects of the module: each directory under go/apps and go/libs
 * that holds Go files. Apps keep their directory name; libraries get a `go-`
 * prefix so they never collide with TypeScript libraries.
 */
export function discoverGoProjects(workspaceRoot: string): GoProject[] {
  const projects: GoProject[] = [];
  for (const kind of ['app', 'lib'] as const) {
    const parent = join(workspaceRoot, GO_MODULE_ROOT, `${kind}s`);
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      if (!entry.isDirectory() || !hasGoFiles(join(parent, entry.name))) continue;
      projects.push({
        name: kind === 'app' ? entry.name : `go-${entry.name}`,
        root: `${GO_MODULE_ROOT}/${kind}s/${entry.name}`,
        modulePath: `${kind}s/${entry.name}`,
        kind,
      });
    }
  }
  return projects.sort((a, b) => a.name.localeCompare(b.name));
}

// Go targets use no npm package; without this, run-commands would hash them all.
const noNpm = { externalDependencies: [] as string[] };

/**
 * The targets every Go project gets; apps also get `serve`. A service (an app with
 * a main package) builds the binary its image ships, linux/amd64, from its build
 * closure (the `goBuild` input the plugin gives it), the same inputs as its image.
 */
export function goTargets(project: GoProject, options: GoPluginOptions, service = false): Record<string, TargetConfiguration> {
  const pkgs = `./${project.modulePath}/...`;
  const cwd = GO_MODULE_ROOT;
  const targets: Record<string, TargetConfiguration> = {
    build: {
      executor: 'nx:run-commands',
      cache: true,
      // A test-only library's own goSources is empty (see plugin.ts), so it hashes its files directly.
      inputs: service
        ? ['goBuild', noNpm]
        : [options.testOnlyLibs?.includes(project.name) ? '{projectRoot}/**/*' : 'goSources', '^goSources', 'goModule', noNpm],
      outputs: project.kind === 'app' ? [`{workspaceRoot}/dist/go/${project.name}`] : [],
      options: {
        cwd,
        command:
          project.kind === 'app'
            ? `go build -trimpath -o ../dist/go/${project.name}/${project.name} ./${project.modulePath}`
            : `go build ${pkgs}`,
        env: service ? { ...IMAGE_BUILD_ENV } : { CGO_ENABLED: '0' },
      },
      metadata: {
        technologies: ['go'],
        description: service ? 'Compile the binary the image ships (static, linux/amd64)' : 'Compile with the Go toolchain (static, CGO off)',
      },
    },
    test: {
      executor: 'nx:run-commands',
      cache: true,
      inputs: ['{projectRoot}/**/*', '^goTestSources', 'goModule', noNpm,
        ...(options.testEnv ?? []).map((env) => ({ env })),
        ...(options.testInputs?.[project.name] ?? []),
      ],
      options: {
        cwd,
        command: `go run ${GOTESTSUM} --format pkgname-and-test-fails --format-hide-empty-pkg -- -count=1 ${pkgs}`,
      },
      metadata: { technologies: ['go'], description: 'Run the Go tests (gotestsum prints the counts)' },
    },
    lint: {
      executor: 'nx:run-commands',
      cache: true,
      inputs: ['{projectRoot}/**/*', '^goTestSources', 'goModule', noNpm],
      options: {
        cwd,
        commands: [`go vet ${pkgs}`, `node ../tools/nx-go/bin/gofmt-check.mjs ${project.modulePath}`],
        parallel: false,
      },
      metadata: { technologies: ['go'], description: 'go vet and a gofmt check' },
    },
  };
  if (project.kind === 'app') {
    const defaults = Object.entries(options.devEnv?.[project.name] ?? {}).map(([k, v]) => `--default ${k}=${v}`);
    targets['serve'] = {
      executor: 'nx:run-commands',
      continuous: true,
      options: {
        command: ['node tools/nx-go/bin/go-watch.mjs', `--module ${GO_MODULE_ROOT}`, `--pkg ./${project.modulePath}`, ...defaults].join(' '),
      },
      metadata: { technologies: ['go'], description: 'Run the service, rebuilt and restarted when a Go file changes' },
    };
  }
  return targets;
}
