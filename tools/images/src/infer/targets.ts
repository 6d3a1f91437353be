import type { TargetConfiguration } from '@nx/devkit';
import type { ImageProject } from './projects';

/** Runs a TypeScript script of this package: swc through a preload that skips the TypeScript compiler (lib/ts-register.cjs). */
export const tsNode = 'node -r ./tools/images/src/lib/ts-register.cjs';

/** Environment that changes what docker-build produces, so it is part of the hash. */
export const IMAGE_ENV_INPUTS = ['SLIPWAY_IMAGE_MODE', 'REGISTRY'] as const;

/** Options of the images plugin, set in nx.json. */
export interface ImagesPluginOptions {
  /** Most bytes an image may add over its base, by project directory name (e.g. `web`, `api`). */
  budgets?: Record<string, string>;
  /** Budget for an image without its own. */
  defaultBudget?: string;
}

/** The tag of every image project: nx.json's `release.projects` selects them by it. */
export const IMAGE_TAG = 'image';

/**
 * The project's part of Nx release's Docker config: the repository its version
 * tag names, `slipway-<directory>`, as docker-build names the image.
 */
export function imageRelease(project: ImageProject): { docker: { repositoryName: string } } {
  return { docker: { repositoryName: `slipway-${project.root.split('/').at(-1) ?? ''}` } };
}

/** The image targets of one image project. */
export function imageTargets(project: ImageProject, options: ImagesPluginOptions = {}): Record<string, TargetConfiguration> {
  const buildArgs = Object.entries(project.buildArgs).map(([k, v]) => `--build-arg ${k}=${v}`);
  const where = [`--dockerfile ${project.dockerfile}`, `--context ${project.context}`, ...buildArgs];
  const budget = options.budgets?.[project.root.split('/').at(-1) ?? ''] ?? options.defaultBudget ?? '20MB';
  return {
    'docker-build': {
      executor: 'nx:run-commands',
      cache: true,
      dependsOn: project.prunedNpmDeps ? ['docker-deps'] : [],
      inputs: [
        ...project.sourceInputs,
        ...(project.prunedNpmDeps ? [{ dependentTasksOutputFiles: '**/*', transitive: false }] : []),
        `{workspaceRoot}/${project.dockerfile}`,
        `{workspaceRoot}/${project.ignoreFile}`,
        ...project.lockfiles.map((f) => `{workspaceRoot}/${f}`),
        'imageTooling',
        ...IMAGE_ENV_INPUTS.map((env) => ({ env })),
        // run-commands would otherwise hash every npm package; the lockfiles above pin what the image installs.
        { externalDependencies: [] },
      ],
      outputs: ['{workspaceRoot}/dist/images/{projectName}'],
      options: {
        command: [`${tsNode} tools/images/src/cli/docker-build.ts`, '--project {projectName}', ...where].join(' '),
      },
      metadata: {
        technologies: ['docker'],
        description: 'Build the linux/amd64 image with BuildKit; writes dist/images/<project>/metadata.json',
      },
    },
    ...(project.prunedNpmDeps ? { 'docker-deps': dockerDepsTarget() } : {}),
    'docker-publish': {
      executor: 'nx:run-commands',
      // Talks to the registry and the ledger every time: never cached.
      cache: false,
      dependsOn: ['docker-build'],
      options: {
        command: [`${tsNode} tools/images/src/cli/docker-publish.ts`, '--project {projectName}', ...where, `--budget ${budget}`].join(' '),
      },
      metadata: {
        technologies: ['docker'],
        description: "Tag the image of docker-build with this commit's tags in REGISTRY (rebuilt only if missing there); record it in the ledger",
      },
    },
    'docker-run': {
      executor: 'nx:run-commands',
      continuous: true,
      dependsOn: ['docker-build'],
      options: {
        command: `${tsNode} tools/images/src/cli/docker-run.ts --project {projectName}`,
      },
      metadata: { technologies: ['docker'], description: 'Start the image built by docker-build' },
    },
    'image-size': {
      executor: 'nx:run-commands',
      dependsOn: ['docker-build'],
      outputs: ['{workspaceRoot}/dist/images/{projectName}/size.json'],
      options: {
        command: [
          `${tsNode} tools/images/src/cli/image-size.ts`,
          '--project {projectName}',
          ...where,
          `--budget ${budget}`,
          ...(project.singleStageDockerfile ? [`--single-stage ${project.singleStageDockerfile}`] : []),
        ].join(' '),
      },
      metadata: {
        technologies: ['docker'],
        description: `Bytes added over the base (budget ${budget}), and the single-stage comparison; writes size.json`,
      },
    },
    // nx release (nx.json `release`): release-pull is the Docker pre-version step, nx-release-publish
    // the publish step Nx runs by that name. Neither builds nor pushes a layer: they pull and tag by digest.
    'release-pull': {
      executor: 'nx:run-commands',
      cache: false,
      options: { command: `${tsNode} tools/images/src/cli/release-pull.ts --project {projectName} --root {projectRoot}`, forwardAllArgs: false },
      metadata: { technologies: ['docker'], description: "nx release: pull main's verified digest (the release registry's main tag) and name it as Nx's version step expects" },
    },
    'nx-release-publish': {
      executor: 'nx:run-commands',
      cache: false,
      // Nx passes its version data and flags as options; the script reads the version Nx wrote and NX_DRY_RUN.
      options: { command: `${tsNode} tools/images/src/cli/release-publish.ts --project {projectName} --root {projectRoot}`, forwardAllArgs: false },
      metadata: { technologies: ['docker'], description: "nx release: tag main's digest with the release version in the registry, by digest, and read it back" },
    },
    'docker-lint': {
      executor: 'nx:run-commands',
      cache: true,
      inputs: [`{workspaceRoot}/${project.dockerfile}`, `{workspaceRoot}/${project.ignoreFile}`, 'imageTooling', { env: 'CI' }],
      options: { command: [`${tsNode} tools/images/src/cli/docker-lint.ts`, ...where].join(' ') },
      metadata: { technologies: ['docker'], description: "BuildKit's Dockerfile checks (docker buildx build --check)" },
    },
  };
}

/** Prunes the root lockfile to what the project's build uses (see cli/docker-deps.ts). */
function dockerDepsTarget(): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    cache: true,
    inputs: ['production', '^production', '{workspaceRoot}/package-lock.json', 'imageTooling', { externalDependencies: [] }],
    outputs: ['{workspaceRoot}/dist/docker/{projectName}'],
    options: { command: `${tsNode} tools/images/src/cli/docker-deps.ts --project {projectName}` },
    metadata: {
      technologies: ['docker', 'npm'],
      description: 'Prune package-lock.json to the packages the build uses, for the image npm ci layer',
    },
  };
}
