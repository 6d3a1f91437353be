import { createHash, randomUUID } from 'node:crypto';
import type { Build, NewBuild, NewRelease, Release } from '@slipway/api-contract';

/** Where and how to record builds and releases: LEDGER_URL and LEDGER_TOKEN, or nothing when LEDGER_URL is unset. */
export interface LedgerConfig {
  url: string;
  token: string;
}

/** Reads LEDGER_URL and LEDGER_TOKEN; undefined when LEDGER_URL is unset or empty. */
export function ledgerConfig(env: NodeJS.ProcessEnv): LedgerConfig | undefined {
  const url = (env['LEDGER_URL'] ?? '').trim().replace(/\/+$/, '');
  if (!url) return undefined;
  if (!/^https?:\/\/[^/\s]+/.test(url)) throw new Error(`LEDGER_URL "${url}" is not an http(s) URL, e.g. https://ledger.example.com`);
  const token = (env['LEDGER_TOKEN'] ?? '').trim();
  if (!token) throw new Error('LEDGER_URL is set but LEDGER_TOKEN is not: set it to one of the API\'s API_WRITE_TOKENS (a CI secret)');
  return { url, token };
}

interface ErrorBody {
  error?: { code?: string; message?: string; fields?: Record<string, string> };
}

function describeError(status: number, text: string): string {
  let body: ErrorBody = {};
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    return `${status}: ${text.slice(0, 300)}`;
  }
  const fields = Object.entries(body.error?.fields ?? {}).map(([k, v]) => `${k}: ${v}`);
  return `${status} ${body.error?.code ?? ''}: ${body.error?.message ?? text.slice(0, 300)}${fields.length ? ` (${fields.join('; ')})` : ''}`;
}

const retryable = (status: number) => status === 502 || status === 503 || status === 504;

/**
 * The Idempotency-Key of a build record: derived from the CI run, the project and the digest,
 * so that every retry of the record (by this process or by a re-run of the step in the same
 * run) gets the record the ledger stored first instead of a second one. A build without a CI
 * run (a local publish) gets a random key: its own retries are still recorded once.
 */
export function idempotencyKey(build: Pick<NewBuild, 'ciRunId' | 'project' | 'digest'>): string {
  if (!build.ciRunId) return `publish-${randomUUID()}`;
  const sum = createHash('sha256').update(`${build.ciRunId}\n${build.project}\n${build.digest}`).digest('hex');
  return `publish-${sum.slice(0, 48)}`;
}

/** How a caller may stub the network and the wait between attempts. */
export interface PostOptions {
  fetch?: typeof fetch;
  retryDelayMs?: number;
}

/** One kind of record the ledger takes. */
interface RecordPost {
  /** The path under the ledger's URL, e.g. /api/v1/builds. */
  path: string;
  /** What the record is, for messages: "build record". */
  what: string;
  /** The statuses that answer with the stored record. */
  stored: number[];
  headers?: Record<string, string>;
  /** The error for a refusal that is this kind's own (say, 422 or 409), or undefined. */
  refusal?: (status: number, detail: string) => Error | undefined;
}

/**
 * POSTs body to the ledger with the bearer token and returns the stored record. Retries a
 * connection failure or a 502/503/504 twice (with the same headers: the request must be safe
 * to repeat), and any other refusal is an error that quotes the API's message and fields.
 */
async function postRecord<T>(config: LedgerConfig, kind: RecordPost, body: unknown, opts: PostOptions): Promise<T> {
  const doFetch = opts.fetch ?? fetch;
  const endpoint = `${config.url}${kind.path}`;
  let last = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    if (attempt > 1) await new Promise((r) => setTimeout(r, (opts.retryDelayMs ?? 1_000) * (attempt - 1)));
    let res: Response;
    try {
      res = await doFetch(endpoint, {
        method: 'POST',
        headers: { Authorization: `Bearer ${config.token}`, 'Content-Type': 'application/json', ...kind.headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (e) {
      last = `no answer (${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message})`;
      continue;
    }
    const text = await res.text();
    if (kind.stored.includes(res.status)) return JSON.parse(text) as T;
    last = describeError(res.status, text);
    if (res.status === 401) throw new Error(`the ledger at ${config.url} refused LEDGER_TOKEN (${last}): use one of its API_WRITE_TOKENS`);
    const own = kind.refusal?.(res.status, last);
    if (own) throw own;
    if (!retryable(res.status)) throw new Error(`the ledger at ${config.url} refused the ${kind.what} (${last})`);
  }
  throw new Error(`the ledger at ${endpoint} did not take the ${kind.what} after 3 attempts: ${last}`);
}

/**
 * POSTs a build to <LEDGER_URL>/api/v1/builds with the bearer token and an Idempotency-Key
 * (idempotencyKey) and returns the stored record. Retries a connection failure or a
 * 502/503/504 twice, with the same key, so that a record whose answer was lost is not stored
 * twice; any other refusal is an error that quotes the API's message and fields.
 */
export function postBuild(config: LedgerConfig, build: NewBuild, opts: PostOptions = {}): Promise<Build> {
  return postRecord<Build>(
    config,
    {
      path: '/api/v1/builds',
      what: 'build record',
      stored: [201],
      headers: { 'Idempotency-Key': idempotencyKey(build) },
      refusal: (status, detail) =>
        status === 422
          ? new Error(`the ledger at ${config.url} already holds another record of ${build.project}@${build.digest} for CI run ${build.ciRunId ?? '(none)'} (${detail})`)
          : undefined,
    },
    build,
    opts,
  );
}

/**
 * POSTs a release to <LEDGER_URL>/api/v1/releases and returns the stored record. A project
 * has one release per version, so a retry needs no key: the ledger answers a repeat with the
 * record it stored first (200). A version it holds for another digest (409) is an error
 * naming both.
 */
export function postRelease(config: LedgerConfig, release: NewRelease, opts: PostOptions = {}): Promise<Release> {
  return postRecord<Release>(
    config,
    {
      path: '/api/v1/releases',
      what: 'release record',
      stored: [200, 201],
      refusal: (status, detail) =>
        status === 409
          ? new Error(`the ledger at ${config.url} holds release ${release.version} of ${release.project} for another digest than ${release.digest} (${detail})`)
          : undefined,
    },
    release,
    opts,
  );
}
