import { request } from 'node:http';
import { connect } from 'node:net';

/** An HTTP answer, read in full. */
export interface RawAnswer {
  status: number;
  contentType: string | undefined;
  body: string;
}

/**
 * One HTTP request with the path sent exactly as given (fetch would resolve
 * `..` and re-encode). body: a Buffer is sent with its Content-Length; an
 * array of Buffers is sent chunked, without one.
 */
export function httpRaw(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: Buffer | Buffer[]; headers?: Record<string, string> } = {},
): Promise<RawAnswer> {
  const url = new URL(base);
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers['Authorization'] = `Bearer ${opts.token}`;
  if (Buffer.isBuffer(opts.body)) headers['Content-Length'] = String(opts.body.length);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (Array.isArray(opts.body)) for (const chunk of opts.body) req.write(chunk);
    else if (opts.body) req.write(opts.body);
    req.end();
  });
}

/**
 * A PUT that declares `declared` bytes, sends `sent` fewer, then either
 * half-closes the connection ('end': the server sees the body end early and
 * may still answer) or drops it ('destroy'). Resolves with whatever the server
 * answered before the connection closed ('' if nothing).
 */
export function truncatedPut(
  port: number,
  hash: string,
  token: string,
  declared: number,
  sent: number,
  how: 'end' | 'destroy',
): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (c: Buffer) => (answer += c.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(answer));
    socket.on('connect', () => {
      socket.write(
        `PUT /v1/cache/${hash} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: application/octet-stream\r\nContent-Length: ${declared}\r\n\r\n`,
      );
      socket.write(Buffer.alloc(sent, 0x61), () => {
        if (how === 'end') socket.end();
        else setTimeout(() => socket.destroy(), 50);
      });
    });
    setTimeout(() => socket.destroy(), 10_000);
  });
}
