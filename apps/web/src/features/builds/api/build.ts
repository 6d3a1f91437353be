import { isRecord } from '../../../lib/api-client';

/** One recorded image build, as the API sends it (see the Go API's build record). */
export interface Build {
  id: number;
  project: string;
  image: string;
  digest: string;
  tags: string[];
  sizeBytes: number;
  platform: string;
  gitSha: string;
  nxHash: string;
  outcome: 'built' | 'reused';
  durationMs: number;
  ciRunId?: string;
  recordedAt: string;
}

/** Thrown when a 2xx body is not what the contract promises, so the page says so plainly. */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  constructor(what: string) {
    super(`The API sent an unexpected response for ${what}.`);
  }
}

// A shallow check: enough that rendering cannot crash on a mismatched API version.
export function isBuild(value: unknown): value is Build {
  return (
    isRecord(value) &&
    typeof value['id'] === 'number' &&
    typeof value['image'] === 'string' &&
    typeof value['digest'] === 'string' &&
    Array.isArray(value['tags']) &&
    typeof value['sizeBytes'] === 'number' &&
    typeof value['gitSha'] === 'string' &&
    typeof value['nxHash'] === 'string' &&
    (value['outcome'] === 'built' || value['outcome'] === 'reused') &&
    typeof value['durationMs'] === 'number' &&
    typeof value['recordedAt'] === 'string'
  );
}
