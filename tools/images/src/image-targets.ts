import type { TargetConfiguration } from '@nx/devkit';
import type { ImageProject } from './image-projects';

/** Runs a TypeScript script of this package with the transpiler Nx already uses for local plugins. */
export const tsNode = 'node -r @swc-node/register';

/** Environment that changes what docker-build produces, so it is part of the hash. */
export const IMAGE_ENV_INPUTS = ['SLIPWAY_IMAGE_MODE', 'REGISTRY'] as const;

/** The image targets of one image project. */
export function imageTargets(project: ImageProject): Record<string, TargetConfiguration> {
  const buildArgs = Object.entries(project.buildArgs).map(([k, v]) => `--build-arg ${k}=${v}`);
  return {
    'docker-build': {
      executor: 'nx:run-commands',
      cache: true,
      dependsOn: [],
      inputs: [
        ...project.sourceInputs,
        `{workspaceRoot}/${project.dockerfile}`,
        `{workspaceRoot}/${project.ignoreFile}`,
        ...project.lockfiles.map((f) => `{workspaceRoot}/${f}`),
        'imageTooling',
        ...IMAGE_ENV_INPUTS.map((env) => ({ env })),
      ],
      outputs: ['{workspaceRoot}/dist/images/{projectName}'],
      options: {
        command: [
          `${tsNode} tools/images/src/cli/docker-build.ts`,
          '--project {projectName}',
          `--dockerfile ${project.dockerfile}`,
          `--context ${project.context}`,
          ...buildArgs,
        ].join(' '),
      },
      metadata: {
        technologies: ['docker'],
        description: 'Build the linux/amd64 image with BuildKit; writes dist/images/<project>/metadata.json',
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
  };
}
