import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** One project that ships an image, and how its image is built. */
export interface ImageProject {
  /** Project root, e.g. `apps/web` or `go/apps/api`. */
  root: string;
  /** Dockerfile, relative to the workspace root. */
  dockerfile: string;
  /** Build context, relative to the workspace root. */
  context: string;
  /** The ignore file that applies to that context. */
  ignoreFile: string;
  /** Build arguments that pick what to build. */
  buildArgs: Record<string, string>;
  /** Workspace files that pin the image's third-party dependencies. */
  lockfiles: string[];
  /** Named inputs for the project's own sources and those of its dependencies. */
  sourceInputs: string[];
  /** Whether the image installs a pruned npm dependency set made by the `docker-deps` target. */
  prunedNpmDeps: boolean;
  /** A single-stage Dockerfile of the same image, kept to measure what multi-stage saves. */
  singleStageDockerfile?: string;
}

/** The shared Dockerfile of every Go service, with the Go module as its context. */
export const GO_DOCKERFILE = 'go/Dockerfile.multi-stage';

function existing(workspaceRoot: string, file: string): string | undefined {
  return existsSync(join(workspaceRoot, file)) ? file : undefined;
}

function goServices(workspaceRoot: string): string[] {
  const apps = join(workspaceRoot, 'go', 'apps');
  if (!existsSync(apps)) return [];
  return readdirSync(apps, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(apps, e.name, 'main.go')))
    .map((e) => e.name)
    .sort();
}

/**
 * Maps the Dockerfiles the plugin matched to image projects:
 * `apps/<app>/Dockerfile` builds that app with the repository root as context;
 * `go/Dockerfile.multi-stage` builds every service of `go/apps` (one with a
 * `main.go`) with `go/` as context and the service picked by `SERVICE`.
 */
export function imageProjects(dockerfiles: readonly string[], workspaceRoot: string): ImageProject[] {
  const projects: ImageProject[] = [];
  for (const file of dockerfiles) {
    if (file === GO_DOCKERFILE) {
      for (const service of goServices(workspaceRoot)) {
        projects.push({
          root: `go/apps/${service}`,
          dockerfile: GO_DOCKERFILE,
          context: 'go',
          ignoreFile: 'go/.dockerignore',
          buildArgs: { SERVICE: service },
          // The Dockerfile copies all of go.mod and go.sum, but the binary links only some
          // modules: goBuild (the Go plugin's) names the service's build closure, its files
          // and its modules at their go.sum lines, the same inputs as the service's build.
          lockfiles: [],
          prunedNpmDeps: false,
          sourceInputs: ['goBuild'],
          singleStageDockerfile: existing(workspaceRoot, 'go/Dockerfile.single-stage'),
        });
      }
    } else if (/^apps\/[^/]+\/Dockerfile$/.test(file)) {
      projects.push({
        root: file.slice(0, -'/Dockerfile'.length),
        dockerfile: file,
        context: '.',
        ignoreFile: '.dockerignore',
        buildArgs: {},
        // The root lockfile is not an input: the pruned one from docker-deps is.
        lockfiles: [],
        prunedNpmDeps: true,
        sourceInputs: ['production', '^production'],
        singleStageDockerfile: existing(workspaceRoot, `${file}.single-stage`),
      });
    }
  }
  return projects;
}
