import { buildImage, type ImageBuild } from '../build/build-image';
import { imageDestination, imageRepository, previewDestination } from '../build/mode';
import { currentBranch, gitInfo } from '../lib/git';
import { metadataPath, readMetadata, type ImageMetadata } from '../build/metadata';
import { consumeBuildMarker, readBuildMarker } from '../build/build-marker';
import { branchTag, ciRunId, decideOutcome, ledgerBuild, placement, publishTags } from './decide';
import { ledgerConfig, postBuild } from './ledger';
import { publishRecordPath, writePublishRecord, type PublishRecord } from './record';
import { addTags, digestInRegistry } from './registry-ops';
import { superviseEvidence } from './supply-chain';

/** One docker-publish: the project's build (for a rebuild) and its size budget. */
export interface PublishRequest extends Omit<ImageBuild, 'nxHash' | 'noCache'> {
  budgetBytes?: number;
}

const log = (msg: string) => console.log(`docker-publish: ${msg}`);

/**
 * Publishes the image docker-build recorded for this commit: makes sure its
 * digest is in the registry (rebuilding, Nx cache skipped, when a cache hit
 * points at an image that is gone or in a registry this job does not publish
 * to), adds this commit's tags to it without rebuilding, records it in the
 * ledger when LEDGER_URL is set, and writes dist/images/<project>/publish.json.
 * With SLIPWAY_PREVIEW_REGISTRY (a pull request), builds go there and only
 * they are tagged: a hit naming REGISTRY's image is verified by digest, not tagged.
 * Before tagging it attaches the evidence of a build (publish/supply-chain.ts)
 * and, in the release repository, verifies the digest's signature.
 */
export async function publishImage(req: PublishRequest, workspaceRoot = process.cwd(), env = process.env): Promise<PublishRecord> {
  const started = Date.now();
  const dest = imageDestination(env);
  if (dest.mode !== 'push') {
    throw new Error('docker-publish pushes to a registry: set SLIPWAY_IMAGE_MODE=push and REGISTRY (e.g. rg.fr-par.scw.cloud/my-namespace)');
  }
  const preview = previewDestination(env);
  const ledger = ledgerConfig(env);
  const git = gitInfo(workspaceRoot);
  const tags = publishTags(git.short, branchTag(env, currentBranch(workspaceRoot)));

  const file = metadataPath(workspaceRoot, req.project);
  let meta: ImageMetadata = readMetadata(file);
  const repos = { release: imageRepository(req.project, dest), preview: preview && imageRepository(req.project, preview) };
  if (meta.mode !== 'push') {
    throw new Error(`${file} describes ${meta.image} (${meta.mode}), not ${repos.release}: run docker-build with the same SLIPWAY_IMAGE_MODE and REGISTRY`);
  }

  let rebuilt = false;
  let place = placement(meta.image, repos);
  const why =
    'rebuild' in place
      ? place.rebuild
      : (await digestInRegistry(meta.image, meta.digest, env)) === 'missing'
        ? `${meta.image}@${meta.digest} is not in the registry (the Nx cache outlived it)`
        : undefined;
  if (why) {
    log(`${why}: rebuilding with the Nx cache skipped${preview ? `, into the preview registry ${preview.registry}` : ''}`);
    meta = await buildImage({ ...req, nxHash: meta.nxHash }, workspaceRoot);
    rebuilt = true;
    place = placement(meta.image, repos);
  } else {
    log(`${meta.image}@${meta.digest} is in the registry`);
  }
  if ('rebuild' in place) throw new Error(`the rebuild went to ${meta.image}, not ${repos.preview ?? repos.release}`);

  const marker = readBuildMarker(workspaceRoot, req.project);
  const decision = decideOutcome(meta, marker, rebuilt, place.tag);
  // Evidence first: a build of this job gets its SBOM, provenance and (with the key) signature;
  // then a digest that is to be tagged in the release repository must verify, or nothing is tagged.
  const evidence = await superviseEvidence({
    build: req,
    meta,
    built: decision.outcome === 'built',
    durationMs: rebuilt ? undefined : marker?.durationMs,
    inRelease: meta.image === repos.release,
    tagsRelease: place.tag && meta.image === repos.release,
    workspaceRoot,
    env,
    log,
  });
  const added = place.tag ? tags : [];
  if (added.length > 0) await addTags(meta.image, meta.digest, added, env);
  const publishMs = Date.now() - started;
  // A build by docker-build counts its build time and this step; a reuse, or a rebuild (done inside this step), this step alone.
  const durationMs = decision.outcome === 'built' && !rebuilt ? (marker?.durationMs ?? 0) + publishMs : publishMs;
  const allTags = decision.outcome === 'built' ? [...new Set([...meta.tags, ...added])] : added;
  log(`${req.project}: ${decision.outcome} (${decision.reason}); ${meta.image}@${meta.digest} ${added.length ? `tagged ${added.join(', ')}` : 'not tagged'}`);

  const record: PublishRecord = {
    project: req.project,
    image: meta.image,
    digest: meta.digest,
    tags: allTags,
    sizeBytes: meta.sizeBytes,
    sizeKind: meta.sizeKind,
    ...(req.budgetBytes ? { budgetBytes: req.budgetBytes } : {}),
    platform: meta.platform,
    gitSha: git.sha,
    builtFrom: meta.gitSha,
    nxHash: meta.nxHash,
    outcome: decision.outcome,
    reason: decision.reason,
    durationMs,
    rebuilt,
    ...evidence,
    publishedAt: new Date().toISOString(),
  };
  if (ledger) {
    const stored = await postBuild(
      ledger,
      ledgerBuild({ meta, gitSha: git.sha, tags: allTags, decision, durationMs, budgetBytes: req.budgetBytes, ciRunId: ciRunId(env), evidence }),
    );
    record.ledgerId = stored.id;
    log(`recorded in the ledger at ${ledger.url} as build ${stored.id}`);
  } else {
    log('LEDGER_URL is not set: no ledger record');
  }
  writePublishRecord(publishRecordPath(workspaceRoot, req.project), record);
  consumeBuildMarker(workspaceRoot, req.project);
  return record;
}
