import type { ServerResponse } from 'node:http';

// The SPA is built by Vite into same-origin files with no inline scripts, so 'self' is enough;
// React sets inline style attributes, hence 'unsafe-inline' for styles only.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "object-src 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  // Older browsers ignore frame-ancestors; X-Frame-Options covers them.
  'X-Frame-Options': 'DENY',
  // The app uses none of these features; denying them limits what injected code could do.
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

const SECURITY_HEADER_NAMES = new Set(Object.keys(SECURITY_HEADERS).map((name) => name.toLowerCase()));

export function isSecurityHeader(name: string): boolean {
  return SECURITY_HEADER_NAMES.has(name.toLowerCase());
}

export function applySecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
}
