import type { ErrorBody } from '@slipway/api-contract';
import { getEnv } from './env';

/** The `fields` of the API's error body: offending property or parameter → what is wrong. */
export type FieldErrors = NonNullable<ErrorBody['error']['fields']>;

/** A failed API call, carrying what the API said (or what we could tell without it). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly status: number;
  readonly code: string;
  readonly fields: FieldErrors | undefined;

  constructor(init: { status: number; code: string; message: string; fields?: FieldErrors }) {
    super(init.message);
    this.status = init.status;
    this.code = init.code;
    this.fields = init.fields;
  }
}

/** Thrown when a 2xx body is not what the contract promises, so the page says so plainly. */
export class UnexpectedResponseError extends Error {
  override readonly name = 'UnexpectedResponseError';
  constructor(what: string) {
    super(`The API sent an unexpected response for ${what}.`);
  }
}

export type QueryValue = string | number | null | undefined;

export interface GetOptions {
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
}

/** GETs `path` (starting with '/') from the API and returns its JSON body. */
export async function apiGet(path: string, options: GetOptions = {}): Promise<unknown> {
  const url = buildUrl(getEnv().apiBaseUrl, path, options.query);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { Accept: 'application/json' },
      signal: options.signal,
    });
  } catch (error) {
    // An abort is the caller's own doing, not a failure to report.
    if (isAbortError(error)) throw error;
    throw new ApiError({
      status: 0,
      code: 'network_error',
      message: 'Could not reach the API. Check your connection and try again.',
    });
  }
  if (!response.ok) throw await errorFromResponse(response);
  try {
    return await response.json();
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw new ApiError({
      status: response.status,
      code: 'invalid_response',
      message: 'The API sent a response that is not JSON.',
    });
  }
}

export function buildUrl(baseUrl: string, path: string, query: Record<string, QueryValue> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== null && value !== undefined && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return `${baseUrl}${path}${search ? `?${search}` : ''}`;
}

/** Reads the API's `{"error":{...}}` body, or falls back to the status line (e.g. a proxy's HTML 502). */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => undefined);
  const error = isRecord(body) ? body['error'] : undefined;
  if (isRecord(error) && typeof error['message'] === 'string' && error['message'] !== '') {
    return new ApiError({
      status: response.status,
      code: typeof error['code'] === 'string' ? error['code'] : 'http_error',
      message: error['message'],
      fields: parseFields(error['fields']),
    });
  }
  // HTTP/2 has no reason phrase, so statusText may be empty.
  const message = response.statusText
    ? `${response.statusText} (HTTP ${response.status})`
    : `Request failed (HTTP ${response.status})`;
  return new ApiError({ status: response.status, code: 'http_error', message });
}

function parseFields(value: unknown): FieldErrors | undefined {
  if (!isRecord(value)) return undefined;
  const fields: FieldErrors = {};
  for (const [key, message] of Object.entries(value)) {
    if (typeof message === 'string') fields[key] = message;
  }
  return fields;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Checked by name: jsdom and Node each have their own DOMException class.
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

export function isNotFound(error: unknown): boolean {
  return error instanceof ApiError && error.status === 404;
}

/** A sentence to show a person for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}
