export interface Env {
  /** Origin (and optional path prefix) of the API; '' means the app's own origin. */
  apiBaseUrl: string;
}

type RawEnv = Record<string, unknown>;

/** Validates the build-time environment; throws with a message that says what to fix. */
export function parseEnv(raw: RawEnv): Env {
  const value = raw['VITE_API_BASE_URL'];
  if (value === undefined || value === '') return { apiBaseUrl: '' };
  if (typeof value !== 'string') {
    throw new Error('VITE_API_BASE_URL must be a string');
  }
  return { apiBaseUrl: validateBaseUrl(value) };
}

function validateBaseUrl(value: string): string {
  const hint = `VITE_API_BASE_URL must be empty (same origin) or an absolute http(s) URL without a trailing slash, e.g. https://ledger.example.com; got "${value}"`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(hint);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(hint);
  // Paths are joined as `${base}/api/...`, so a trailing slash would double up.
  if (value.endsWith('/')) throw new Error(hint);
  if (url.search || url.hash || url.username || url.password) throw new Error(hint);
  return value;
}

let cached: Env | undefined;

/** The app's environment, validated once; main.tsx calls it first so a bad build fails at start. */
export function getEnv(): Env {
  cached ??= parseEnv(import.meta.env);
  return cached;
}
