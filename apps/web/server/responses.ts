import type { ServerResponse } from 'node:http';

/** Sends a small JSON body; responses like these must not be cached by anyone. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headOnly = false): void {
  const payload = Buffer.from(JSON.stringify(body));
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', payload.length);
  res.setHeader('Cache-Control', 'no-store');
  res.end(headOnly ? undefined : payload);
}

/** The Go API's error shape, so the SPA's api-client reads our errors like the API's. */
export function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message } });
}
