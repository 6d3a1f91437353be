import type { CreateNodes, CreateNodesResult } from '@nx/devkit';
import { imageProjects } from './infer/projects';
import { IMAGE_TAG, imageRelease, imageTargets, type ImagesPluginOptions } from './infer/targets';

/**
 * Infers the image targets from Dockerfiles: `apps/<app>/Dockerfile` and the
 * shared Go Dockerfile. Written here rather than taken from @nx/docker, whose
 * inference only matches files named `Dockerfile`, builds with the project root
 * as context, depends on `build`, and sets no outputs and no cache.
 */
export const createNodes: CreateNodes<ImagesPluginOptions> = [
  '{apps/*/Dockerfile,go/Dockerfile.multi-stage}',
  (files, options, context) =>
    files.map((file): [string, CreateNodesResult] => [
      file,
      {
        projects: Object.fromEntries(
          imageProjects([file], context.workspaceRoot).map((p) => [p.root, { root: p.root, tags: [IMAGE_TAG], release: imageRelease(p), targets: imageTargets(p, options) }]),
        ),
      },
    ]),
];
