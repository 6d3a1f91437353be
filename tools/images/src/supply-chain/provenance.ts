import type { ImageMetadata } from '../build/metadata';

/** An in-toto statement (v1) about one image. */
export interface Statement<P = unknown> {
  _type: 'https://in-toto.io/Statement/v1';
  subject: { name: string; digest: { sha256: string } }[];
  predicateType: string;
  predicate: P;
}

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const SLSA_PROVENANCE_V1 = 'https://slsa.dev/provenance/v1';
export const CYCLONEDX_PREDICATE = 'https://cyclonedx.org/bom';
/** What kind of build the provenance describes: docker-build, its parameters as below. */
export const BUILD_TYPE = 'urn:slipway:docker-build:v1';

/** A statement whose subject is the image, by digest. */
export function statement<P>(image: string, digest: string, predicateType: string, predicate: P): Statement<P> {
  const hex = /^sha256:([0-9a-f]{64})$/.exec(digest)?.[1];
  if (!hex) throw new Error(`"${digest}" is not a sha256 manifest digest`);
  return { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: image, digest: { sha256: hex } }], predicateType, predicate };
}

/** What the provenance says about one build. */
export interface ProvenanceInput {
  meta: ImageMetadata;
  /** The source repository's URL, e.g. https://github.com/acme/slipway. */
  sourceRepository: string;
  /** The git ref built, when known (refs/heads/main). */
  ref?: string;
  dockerfile: string;
  /** sha256 of the Dockerfile's bytes. */
  dockerfileDigest: string;
  context: string;
  buildArgs: Record<string, string>;
  builder: { name: string; driver: string; buildkit: string[] };
  /** The CI run that built it, or undefined for a build by hand. */
  ci?: { id: string; attempt: string; url?: string; /** URL of the workflow file at the ref it ran from. */ workflow?: string };
  /** How long docker-build ran, to date the start. */
  durationMs?: number;
}

/** The SLSA v1 provenance predicate of an image docker-build made. */
export function slsaProvenance(input: ProvenanceInput) {
  const { meta } = input;
  const finished = meta.builtAt;
  const started = input.durationMs !== undefined ? new Date(Date.parse(finished) - input.durationMs).toISOString() : undefined;
  return {
    buildDefinition: {
      buildType: BUILD_TYPE,
      externalParameters: {
        source: { repository: input.sourceRepository, commit: meta.gitSha, ...(input.ref ? { ref: input.ref } : {}) },
        dockerfile: input.dockerfile,
        context: input.context,
        platform: meta.platform,
        buildArgs: input.buildArgs,
      },
      internalParameters: {
        project: meta.project,
        nxHash: meta.nxHash,
        buildx: { provenance: false, sbom: false, rewriteTimestamp: true },
      },
      resolvedDependencies: [
        { uri: `git+${input.sourceRepository}`, digest: { gitCommit: meta.gitSha } },
        { uri: `file:${input.dockerfile}`, digest: { sha256: input.dockerfileDigest.replace(/^sha256:/, '') } },
      ],
    },
    runDetails: {
      builder: {
        // The workflow that ran docker-build (GitHub's owner/repo/.github/workflows/ci.yml@ref), or the builder alone by hand.
        id: input.ci?.workflow ?? `buildx:${input.builder.name}`,
        version: { buildkit: input.builder.buildkit.join(',') },
        builderDependencies: [{ uri: `buildx-builder:${input.builder.name}`, annotations: { driver: input.builder.driver, buildkit: input.builder.buildkit.join(',') } }],
      },
      metadata: {
        ...(input.ci ? { invocationId: input.ci.url ?? `${input.ci.id}-${input.ci.attempt}` } : {}),
        ...(started ? { startedOn: started } : {}),
        finishedOn: finished,
      },
    },
  };
}

/** The CI run from GitHub's variables, or undefined outside Actions. */
export function ciRunOf(env: NodeJS.ProcessEnv): ProvenanceInput['ci'] {
  const id = env['GITHUB_RUN_ID'];
  if (!id) return undefined;
  const attempt = env['GITHUB_RUN_ATTEMPT'] || '1';
  const server = env['GITHUB_SERVER_URL'];
  const repo = env['GITHUB_REPOSITORY'];
  return {
    id,
    attempt,
    ...(server && repo ? { url: `${server}/${repo}/actions/runs/${id}/attempts/${attempt}` } : {}),
    ...(server && env['GITHUB_WORKFLOW_REF'] ? { workflow: `${server}/${env['GITHUB_WORKFLOW_REF']}` } : {}),
  };
}
