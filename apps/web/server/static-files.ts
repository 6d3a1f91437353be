import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import { negotiateEncoding, type Encoding } from './accept-encoding';
import { ConfigError } from './config';
import { contentTypeFor, hasKnownExtension } from './content-types';
import type { Logger } from './logger';
import { sendError } from './responses';

export type Compressor = (body: Buffer, encoding: Encoding) => Promise<Buffer>;

const brotliAsync = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Maximum effort: each file is compressed once per process, not per request. */
export const defaultCompressor: Compressor = (body, encoding) =>
  encoding === 'br'
    ? brotliAsync(body, {
        params: {
          [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
          [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
          [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
        },
      })
    : gzipAsync(body, { level: zlib.Z_BEST_COMPRESSION });

// Below about a packet, compression saves nothing worth the Vary header.
export const MIN_COMPRESS_BYTES = 1024;

export const IMMUTABLE = 'public, max-age=31536000, immutable';
// Revalidate every time (cheap with the ETag): a new deploy must reach users at once.
export const REVALIDATE = 'no-cache';

interface StaticFile {
  body: Buffer;
  contentType: string;
  cacheControl: string;
  /** Content hash, unquoted; encoded variants append `-br` / `-gzip`. */
  hash: string;
  compressible: boolean;
  variants: Map<Encoding, Promise<Buffer | undefined>>;
}

export interface StaticSite {
  readonly fileCount: number;
  readonly totalBytes: number;
  /** Serves `segments` (decoded request path segments) from memory. */
  handle(req: IncomingMessage, res: ServerResponse, segments: readonly string[]): Promise<void>;
  /** Compresses every compressible file ahead of the first request for it. */
  precompress(): Promise<void>;
}

/**
 * Reads the whole build into memory at start. The files are immutable in the image, so
 * serving from a map is fast, lets each file be compressed exactly once, and means a
 * request path can only ever name a file that was found under STATIC_DIR.
 */
export async function loadStaticSite(
  dir: string,
  options: { log: Logger; compress?: Compressor },
): Promise<StaticSite> {
  const compress = options.compress ?? defaultCompressor;
  const files = new Map<string, StaticFile>();
  let totalBytes = 0;

  let top: Dirent[];
  try {
    top = await readdir(dir, { withFileTypes: true });
  } catch {
    throw new ConfigError([`STATIC_DIR "${dir}" does not exist or is not a readable directory`]);
  }
  const walk = async (entries: Dirent[], prefix: string): Promise<void> => {
    for (const entry of entries) {
      // Dotfiles (e.g. Vite's .vite/manifest.json) are build metadata, not site content.
      if (entry.name.startsWith('.')) continue;
      const key = prefix + entry.name;
      const full = join(dir, key);
      if (entry.isDirectory()) {
        await walk(await readdir(full, { withFileTypes: true }), `${key}/`);
      } else if (entry.isFile()) {
        // Symlinks are skipped (isFile() is false for them): nothing outside STATIC_DIR.
        const body = await readFile(full);
        const { type, compressible } = contentTypeFor(key);
        files.set(key, {
          body,
          contentType: type,
          cacheControl: key.startsWith('assets/') ? IMMUTABLE : REVALIDATE,
          hash: createHash('sha256').update(body).digest('base64url').slice(0, 22),
          compressible: compressible && body.length >= MIN_COMPRESS_BYTES,
          variants: new Map(),
        });
        totalBytes += body.length;
      }
    }
  };
  await walk(top, '');

  const index = files.get('index.html');
  if (index === undefined) {
    throw new ConfigError([
      `STATIC_DIR "${dir}" has no index.html; point it at the web build output (dist/apps/web)`,
    ]);
  }

  // One promise per file and encoding, shared by concurrent requests and the warm-up.
  const variant = (file: StaticFile, encoding: Encoding): Promise<Buffer | undefined> => {
    let pending = file.variants.get(encoding);
    if (pending === undefined) {
      pending = compress(file.body, encoding).then(
        (encoded) => (encoded.length < file.body.length ? encoded : undefined),
        (error: unknown) => {
          options.log.error('compression failed', { encoding, error: String(error) });
          return undefined;
        },
      );
      file.variants.set(encoding, pending);
    }
    return pending;
  };

  return {
    fileCount: files.size,
    totalBytes,

    async handle(req, res, segments) {
      const headOnly = req.method === 'HEAD';
      if (req.method !== 'GET' && !headOnly) {
        res.setHeader('Allow', 'GET, HEAD');
        sendError(res, 405, 'method_not_allowed', `${req.method ?? ''} is not allowed here`);
        return;
      }

      // A decoded segment holding '/' (from %2F) cannot name a file, only an SPA route.
      const key = segments.some((s) => s.includes('/')) ? undefined : segments.join('/');
      let file = key === '' ? index : key === undefined ? undefined : files.get(key);
      if (file === undefined) {
        const last = segments[segments.length - 1] ?? '';
        // A missing hashed asset or file must not become index.html: the browser would try
        // to run HTML as a script and report a confusing MIME error instead of a 404.
        if (segments[0] === 'assets' || hasKnownExtension(last)) {
          res.statusCode = 404;
          res.setHeader('Content-Type', 'text/plain; charset=utf-8');
          res.setHeader('Cache-Control', REVALIDATE);
          res.end(headOnly ? undefined : 'Not found\n');
          return;
        }
        file = index;
      }

      let body = file.body;
      let etag = `"${file.hash}"`;
      res.setHeader('Content-Type', file.contentType);
      res.setHeader('Cache-Control', file.cacheControl);
      if (file.compressible) {
        res.setHeader('Vary', 'Accept-Encoding');
        const encoding = negotiateEncoding(req.headers['accept-encoding']);
        const encoded = encoding === undefined ? undefined : await variant(file, encoding);
        if (encoding !== undefined && encoded !== undefined) {
          body = encoded;
          etag = `"${file.hash}-${encoding}"`;
          res.setHeader('Content-Encoding', encoding);
        }
      }
      res.setHeader('ETag', etag);

      if (matchesEtag(req.headers['if-none-match'], file.hash)) {
        res.removeHeader('Content-Type');
        res.removeHeader('Content-Encoding');
        res.statusCode = 304;
        res.end();
        return;
      }
      res.statusCode = 200;
      res.setHeader('Content-Length', body.length);
      res.end(headOnly ? undefined : body);
    },

    async precompress() {
      for (const file of files.values()) {
        if (!file.compressible) continue;
        await variant(file, 'br');
        await variant(file, 'gzip');
      }
    },
  };
}

/**
 * Weak comparison (RFC 9110 §13.1.2): any encoding of the same content matches, since
 * the client already holds that content whichever coding it arrived in.
 */
function matchesEtag(header: string | undefined, hash: string): boolean {
  if (header === undefined) return false;
  return header.split(',').some((raw) => {
    const tag = raw.trim().replace(/^W\//, '');
    return tag === '*' || tag === `"${hash}"` || tag === `"${hash}-br"` || tag === `"${hash}-gzip"`;
  });
}
