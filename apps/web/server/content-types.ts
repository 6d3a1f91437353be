export interface ContentType {
  type: string;
  /** Worth compressing: text and other formats that are not already compressed. */
  compressible: boolean;
}

// Only what a Vite build emits (plus common files from `public/`); anything else is served
// as octet-stream, which nosniff keeps the browser from guessing about.
const BY_EXTENSION: Readonly<Record<string, ContentType>> = {
  html: { type: 'text/html; charset=utf-8', compressible: true },
  js: { type: 'text/javascript; charset=utf-8', compressible: true },
  mjs: { type: 'text/javascript; charset=utf-8', compressible: true },
  css: { type: 'text/css; charset=utf-8', compressible: true },
  json: { type: 'application/json', compressible: true },
  map: { type: 'application/json', compressible: true },
  webmanifest: { type: 'application/manifest+json', compressible: true },
  txt: { type: 'text/plain; charset=utf-8', compressible: true },
  xml: { type: 'application/xml', compressible: true },
  svg: { type: 'image/svg+xml', compressible: true },
  ico: { type: 'image/x-icon', compressible: true },
  wasm: { type: 'application/wasm', compressible: true },
  ttf: { type: 'font/ttf', compressible: true },
  png: { type: 'image/png', compressible: false },
  jpg: { type: 'image/jpeg', compressible: false },
  jpeg: { type: 'image/jpeg', compressible: false },
  gif: { type: 'image/gif', compressible: false },
  webp: { type: 'image/webp', compressible: false },
  avif: { type: 'image/avif', compressible: false },
  woff: { type: 'font/woff', compressible: false },
  woff2: { type: 'font/woff2', compressible: false },
};

const FALLBACK: ContentType = { type: 'application/octet-stream', compressible: false };

/** The lower-cased extension of the last path segment ('' if none), e.g. `app.min.JS` → `js`. */
export function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

export function contentTypeFor(name: string): ContentType {
  return BY_EXTENSION[extensionOf(name)] ?? FALLBACK;
}

/**
 * Whether a name ends in a file-type extension we know. Only such paths 404 when missing;
 * other dotted names (`/images/nginx:1.27`) are SPA routes and get index.html.
 */
export function hasKnownExtension(name: string): boolean {
  return Object.hasOwn(BY_EXTENSION, extensionOf(name));
}
