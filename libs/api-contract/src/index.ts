/**
 * The ledger API contract as TypeScript types.
 *
 * Everything here comes from `openapi.yaml` through `src/generated/schema.ts`
 * (openapi-typescript); never edit the generated file, change the contract and
 * run `npx nx run api-contract:generate`. Types only: they do not check data at
 * runtime.
 */
import type { components } from './generated/schema';

export type { components, operations, paths } from './generated/schema';

type Schemas = components['schemas'];

/** A build as CI submits it to `POST /api/v1/builds`. */
export type NewBuild = Schemas['NewBuild'];
/** A recorded build, as the API returns it. */
export type Build = Schemas['Build'];
/** Whether CI built the image or reused an existing one. */
export type Outcome = Schemas['Outcome'];
/** One image of the overview: latest build, last built/reused, build and run counts. */
export type ImageSummary = Schemas['ImageSummary'];
/** The body of `GET /api/v1/images`. */
export type ImageList = Schemas['ImageList'];
/** The body of `GET /api/v1/images/{image}/builds`: one page, newest first. */
export type BuildPage = Schemas['BuildPage'];
/** In how many CI runs an image appeared (`ImageSummary['runs']`). */
export type ImageRunCounts = Schemas['ImageRunCounts'];
/** One point of an image's size chart. */
export type SizePoint = Schemas['SizePoint'];
/** The body of `GET /api/v1/images/{image}/sizes`: the size history, oldest first. */
export type SizeSeries = Schemas['SizeSeries'];
/** One CI run, summed up. */
export type RunSummary = Schemas['RunSummary'];
/** The body of `GET /api/v1/runs`: one page of runs, newest first. */
export type RunPage = Schemas['RunPage'];
/** The body of `GET /api/v1/runs/{runId}`: a run and its builds. */
export type Run = Schemas['Run'];
/** A release as the release job submits it to `POST /api/v1/releases`. */
export type NewRelease = Schemas['NewRelease'];
/** A recorded release: a version given to an image digest. */
export type Release = Schemas['Release'];
/** The body of `GET /api/v1/releases`: the latest releases, newest first. */
export type ReleaseList = Schemas['ReleaseList'];
/** The body of every error response: `{"error": {code, message, fields?}}`. */
export type ErrorBody = Schemas['ErrorBody'];
/** The `error` of an `ErrorBody`. */
export type ErrorDetail = Schemas['ErrorDetail'];
/** The body of `GET /healthz`. */
export type Health = Schemas['Health'];
/** The body of `GET /readyz` when ready. */
export type Readiness = Schemas['Readiness'];
