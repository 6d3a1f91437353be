import type { NewBuild } from '@slipway/api-contract';
import type { ImageMetadata } from '../build/metadata';
import type { BuildMarker } from '../build/build-marker';
import type { EvidenceRecord } from './supply-chain';

/** Whether this job built the image or gave an existing one new tags. */
export type Outcome = NewBuild['outcome'];

/** The outcome, and why, in words for the log and the summary. */
export interface OutcomeDecision {
  outcome: Outcome;
  reason: string;
}

/**
 * The rule: `built` when the image this job publishes was built by this job —
 * docker-build ran here (its marker matches metadata.json) or docker-publish
 * had to rebuild because the cached digest was missing from the registry.
 * `reused` when metadata.json came from the Nx cache (local or remote): an image
 * with the same Nx hash was built before, for another commit or by an earlier
 * attempt of this run, and only gets new tags.
 */
export function decideOutcome(
  meta: Pick<ImageMetadata, 'nxHash' | 'digest' | 'gitSha'>,
  marker: BuildMarker | undefined,
  rebuilt: boolean,
  tagged = true,
): OutcomeDecision {
  if (rebuilt) return { outcome: 'built', reason: 'the cached image could not be used (missing from the registry, or another registry), so it was rebuilt with the Nx cache skipped' };
  if (marker && marker.nxHash === meta.nxHash && marker.digest === meta.digest) {
    return { outcome: 'built', reason: 'docker-build ran in this job' };
  }
  const built = `docker-build was a cache hit: the image built from ${meta.gitSha.slice(0, 7)} with the same Nx hash`;
  return {
    outcome: 'reused',
    reason: tagged ? `${built} gets this commit's tags` : `${built} is in the release registry, verified by digest and not tagged (this job may not write there)`,
  };
}

/**
 * What a publish does with the image metadata.json names, given the repositories
 * this job publishes to: the release repository (REGISTRY) and, in a pull
 * request's job, the preview repository (SLIPWAY_PREVIEW_REGISTRY).
 * - the preview repository: this job's own build; verified and tagged there;
 * - the release repository: verified by digest; tagged only when the job has no
 *   preview registry (main), since a pull request's credentials cannot write there;
 * - anything else (a cache entry from a run with other settings): not trusted, rebuilt.
 */
export type Placement = { repository: string; tag: boolean } | { rebuild: string };

/** Where the image of metadata.json stands for this job (see Placement). */
export function placement(image: string, repos: { release: string; preview?: string }): Placement {
  if (repos.preview && image === repos.preview) return { repository: image, tag: true };
  if (image === repos.release) return { repository: image, tag: !repos.preview };
  const ours = repos.preview ? `${repos.release} or ${repos.preview}` : repos.release;
  return { rebuild: `metadata.json names ${image}, which this job does not publish to (${ours})` };
}

/** A string made into a valid image tag (letters, digits, `_.-`, not starting with `.` or `-`, at most 128), or undefined. */
export function toTag(text: string): string | undefined {
  const tag = text
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, 128)
    .replace(/[.-]+$/, '');
  return tag || undefined;
}

/**
 * The branch-derived tag: `pr-<number>` for a pull request (GitHub's
 * refs/pull/<n>/merge), else the branch name made tag-safe (`main`,
 * `release-1.2`). SLIPWAY_BRANCH_TAG overrides it; `none` turns it off.
 */
export function branchTag(env: NodeJS.ProcessEnv, currentBranch: string): string | undefined {
  const override = env['SLIPWAY_BRANCH_TAG'];
  if (override) return override === 'none' ? undefined : toTag(override);
  const pr = /^refs\/pull\/(\d+)\//.exec(env['GITHUB_REF'] ?? '')?.[1];
  if (pr && env['GITHUB_EVENT_NAME']?.startsWith('pull_request')) return `pr-${pr}`;
  const branch = env['GITHUB_REF_TYPE'] === 'tag' ? '' : env['GITHUB_HEAD_REF'] || env['GITHUB_REF_NAME'] || currentBranch;
  return branch ? toTag(branch) : undefined;
}

/** The tags this commit gives its image: the short commit sha, then the branch tag. */
export function publishTags(shortSha: string, branch: string | undefined): string[] {
  if (!/^[0-9a-f]{7,40}$/.test(shortSha)) throw new Error(`"${shortSha}" is not a commit: docker-publish must run in a git checkout`);
  return [...new Set([shortSha, ...(branch ? [branch] : [])])];
}

/** The CI run, for the ledger: GitHub's run id and attempt, or SLIPWAY_CI_RUN_ID. */
export function ciRunId(env: NodeJS.ProcessEnv): string | undefined {
  if (env['SLIPWAY_CI_RUN_ID']) return env['SLIPWAY_CI_RUN_ID'];
  const id = env['GITHUB_RUN_ID'];
  if (!id) return undefined;
  const attempt = env['GITHUB_RUN_ATTEMPT'];
  return attempt && attempt !== '1' ? `${id}-${attempt}` : id;
}

/** The ledger's record of one publish (the API contract's NewBuild). */
export function ledgerBuild(input: {
  meta: ImageMetadata;
  gitSha: string;
  tags: string[];
  decision: OutcomeDecision;
  durationMs: number;
  budgetBytes?: number;
  ciRunId?: string;
  /** What the supply-chain step found or attached for the digest. */
  evidence?: EvidenceRecord;
}): NewBuild {
  const { meta, evidence } = input;
  return {
    project: meta.project,
    image: meta.image,
    digest: meta.digest,
    tags: input.tags,
    sizeBytes: meta.sizeBytes,
    ...(input.budgetBytes ? { budgetBytes: input.budgetBytes } : {}),
    platform: meta.platform,
    gitSha: input.gitSha,
    nxHash: meta.nxHash,
    outcome: input.decision.outcome,
    durationMs: Math.max(0, Math.round(input.durationMs)),
    ...(input.ciRunId ? { ciRunId: input.ciRunId } : {}),
    ...(evidence ? ledgerEvidence(evidence) : {}),
  };
}

/**
 * The ledger's view of a digest's evidence: its SBOM (when it has one) and whether it is
 * signed. A signature whose check failed (reported, in a job that tags nothing in release)
 * counts as unsigned: the ledger's badge must not vouch for it.
 */
export function ledgerEvidence(evidence: EvidenceRecord): Pick<NewBuild, 'sbomDigest' | 'sbomPackages' | 'signed'> {
  return {
    ...(evidence.sbomDigest ? { sbomDigest: evidence.sbomDigest } : {}),
    ...(evidence.sbomDigest && evidence.sbomPackages !== undefined ? { sbomPackages: evidence.sbomPackages } : {}),
    signed: evidence.signed && !evidence.verificationFailed,
  };
}
