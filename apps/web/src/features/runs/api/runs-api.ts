import type { Run, RunPage, RunSummary } from '@slipway/api-contract';
import { apiGet, isRecord, UnexpectedResponseError } from '@/lib/api-client';
import { isBuild } from '@/lib/build';
import type { Check } from '@/lib/shape';
import { arrayOf, hasShape, isNumber, isString } from '@/lib/shape';
import { parseNextCursor } from '@/lib/use-paged';

export const RUNS_PAGE_SIZE = 20;

const RUN_SUMMARY_CHECKS = {
  ciRunId: isString,
  gitSha: isString,
  startedAt: isString,
  finishedAt: isString,
  images: isNumber,
  built: isNumber,
  reused: isNumber,
  durationMs: isNumber,
} satisfies { [K in keyof RunSummary]-?: Check };

const isRunList = arrayOf(hasShape<RunSummary>(RUN_SUMMARY_CHECKS));
const isRun = hasShape<Run>({ ...RUN_SUMMARY_CHECKS, builds: arrayOf(isBuild) } satisfies {
  [K in keyof Run]-?: Check;
});

/** The path of one run's page in the API; run ids are free text, so they are encoded. */
export function runPath(runId: string): string {
  return `/api/v1/runs/${encodeURIComponent(runId)}`;
}

/** One page of CI runs, newest first. */
export async function listRuns(options: { cursor?: string | null; signal?: AbortSignal } = {}): Promise<RunPage> {
  const body = await apiGet('/api/v1/runs', {
    query: { limit: RUNS_PAGE_SIZE, cursor: options.cursor },
    signal: options.signal,
  });
  const runs = isRecord(body) ? body['runs'] : undefined;
  if (!isRecord(body) || !isRunList(runs)) throw new UnexpectedResponseError('the list of CI runs');
  return { runs, nextCursor: parseNextCursor(body['nextCursor']) };
}

/** One CI run with every image it built or reused. Rejects with a 404 ApiError for an unknown run. */
export async function getRun(runId: string, signal?: AbortSignal): Promise<Run> {
  const body = await apiGet(runPath(runId), { signal });
  if (!isRun(body)) throw new UnexpectedResponseError(`CI run ${runId}`);
  return body;
}
