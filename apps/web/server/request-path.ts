export type RequestPath =
  | {
      ok: true;
      /** The path exactly as sent (still percent-encoded), e.g. `/images/foo%2Fbar`. */
      rawPath: string;
      /** The query string including its `?`, or ''. */
      search: string;
      /** Percent-decoded segments of rawPath; a decoded segment may contain `/` (from `%2F`). */
      segments: string[];
    }
  | { ok: false; reason: string };

/**
 * Splits a request target into path, query and decoded segments, refusing anything that
 * could climb out of a directory: `.`/`..` segments, in plain or percent-encoded form,
 * also when an encoded slash or backslash hides them inside one segment.
 */
export function parseRequestPath(target: string | undefined): RequestPath {
  if (target === undefined || target === '') return { ok: false, reason: 'missing request target' };
  let pathAndQuery = target;
  if (!target.startsWith('/')) {
    // Absolute-form (`GET http://host/path`), which HTTP/1.1 servers must accept.
    try {
      const url = new URL(target);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('not http');
      pathAndQuery = url.pathname + url.search;
    } catch {
      return { ok: false, reason: 'unsupported request target' };
    }
  }

  const queryAt = pathAndQuery.indexOf('?');
  const rawPath = queryAt === -1 ? pathAndQuery : pathAndQuery.slice(0, queryAt);
  const search = queryAt === -1 ? '' : pathAndQuery.slice(queryAt);

  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return { ok: false, reason: 'malformed percent-encoding' };
    }
    if (decoded.includes('\0')) return { ok: false, reason: 'NUL in path' };
    if (decoded.split(/[/\\]/).some((part) => part === '.' || part === '..')) {
      return { ok: false, reason: 'dot segment in path' };
    }
    segments.push(decoded);
  }
  return { ok: true, rawPath, search, segments };
}
