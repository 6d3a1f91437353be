import { createHash } from 'node:crypto';
import { dockerCredentials, type Credentials } from './docker-auth';
import type { Repository } from './tag-scheme';

/** The manifest types a client accepts: OCI and Docker, single and index. */
export const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
];

/** A manifest as the registry served it. */
export interface FetchedManifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

/** sha256 digest of some bytes, as registries name content. */
export function sha256Digest(bytes: Buffer): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/** Loopback registries speak plain HTTP (as Docker allows for them); every other one HTTPS. */
export function registryBaseUrl(host: string): string {
  const name = host.replace(/:\d+$/, '');
  const plain = name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
  return `${plain ? 'http' : 'https'}://${host}`;
}

/** A WWW-Authenticate challenge: its scheme and parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const m = /^(\w+)\s*(.*)$/.exec(header.trim());
  const params: Record<string, string> = {};
  for (const [, key = '', value = ''] of (m?.[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)) params[key.toLowerCase()] = value;
  return { scheme: (m?.[1] ?? '').toLowerCase(), params };
}

/** An error the registry answered with, its status and its message. */
export class RegistryError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * The registry's HTTP API (the distribution spec) over fetch, for what
 * docker-publish attaches beside an image: read a manifest, upload a blob,
 * put a manifest under a tag. Logs in as `docker login` left it (see
 * dockerCredentials), with Basic authentication or a Bearer token from the
 * registry's token service, whichever the registry's challenge asks for.
 */
export class RegistryClient {
  private authorization: string | undefined;
  private readonly base: string;
  private readonly credentials: Credentials | undefined;

  constructor(
    readonly repository: Repository,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.base = registryBaseUrl(repository.host);
    this.credentials = dockerCredentials(repository.host, env);
  }

  private async send(method: string, url: string, init: { headers?: Record<string, string>; body?: Buffer } = {}, push = false): Promise<Response> {
    const attempt = () =>
      fetch(url, { method, headers: { ...init.headers, ...(this.authorization ? { Authorization: this.authorization } : {}) }, body: init.body, redirect: 'follow' });
    let res: Response;
    try {
      res = await attempt();
    } catch (e) {
      throw new RegistryError(`${method} ${url}: ${(e as Error).cause instanceof Error ? ((e as Error).cause as Error).message : (e as Error).message}`, 0);
    }
    if (res.status !== 401) return res;
    const challenge = res.headers.get('www-authenticate');
    await res.arrayBuffer();
    if (!challenge) return res;
    const before = this.authorization;
    await this.login(challenge, push);
    return this.authorization === before ? res : attempt();
  }

  private async login(header: string, push: boolean): Promise<void> {
    const { scheme, params } = parseChallenge(header);
    const basic = this.credentials && `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    if (scheme === 'basic') {
      this.authorization = basic;
      return;
    }
    if (scheme !== 'bearer' || !params['realm']) return;
    const url = new URL(params['realm']);
    if (params['service']) url.searchParams.set('service', params['service']);
    url.searchParams.set('scope', `repository:${this.repository.path}:${push ? 'pull,push' : 'pull'}`);
    const res = await fetch(url, { headers: basic ? { Authorization: basic } : {} });
    if (!res.ok) throw new RegistryError(`the token service of ${this.repository.host} refused ${this.credentials ? this.credentials.username : 'an anonymous login'}: HTTP ${res.status}`, res.status);
    const body = (await res.json()) as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (token) this.authorization = `Bearer ${token}`;
  }

  private url(kind: 'manifests' | 'blobs', reference: string): string {
    return `${this.base}/v2/${this.repository.path}/${kind}/${reference}`;
  }

  private async fail(what: string, res: Response): Promise<never> {
    const text = (await res.text()).trim();
    const login = res.status === 401 || res.status === 403 ? ` (as ${this.credentials ? this.credentials.username : 'anonymous'}: check the docker login for ${this.repository.host})` : '';
    throw new RegistryError(`${what} in ${this.repository.host}/${this.repository.path}: HTTP ${res.status}${login}${text ? `: ${text.slice(0, 300)}` : ''}`, res.status);
  }

  /** A manifest by tag or digest, or undefined when the registry has none by that reference. */
  async manifest(reference: string): Promise<FetchedManifest | undefined> {
    const res = await this.send('GET', this.url('manifests', reference), { headers: { Accept: MANIFEST_TYPES.join(', ') } });
    if (res.status === 404) {
      await res.arrayBuffer();
      return undefined;
    }
    if (!res.ok) return this.fail(`GET manifest ${reference}`, res);
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = sha256Digest(bytes);
    if (reference.startsWith('sha256:') && digest !== reference) throw new RegistryError(`manifest ${reference} was served with the content of ${digest}`, res.status);
    return { digest, mediaType: res.headers.get('content-type') ?? '', bytes };
  }

  /** A blob by digest, checked against it. */
  async blob(digest: string): Promise<Buffer> {
    const res = await this.send('GET', this.url('blobs', digest));
    if (!res.ok) return this.fail(`GET blob ${digest}`, res);
    const bytes = Buffer.from(await res.arrayBuffer());
    if (sha256Digest(bytes) !== digest) throw new RegistryError(`blob ${digest} was served with other content (${sha256Digest(bytes)})`, res.status);
    return bytes;
  }

  /** Uploads a blob (one monolithic upload) unless the registry has it; returns its digest. */
  async putBlob(bytes: Buffer): Promise<string> {
    const digest = sha256Digest(bytes);
    const head = await this.send('HEAD', this.url('blobs', digest), {}, true);
    if (head.ok) return digest;
    const start = await this.send('POST', `${this.base}/v2/${this.repository.path}/blobs/uploads/`, {}, true);
    if (start.status !== 202) return this.fail('start a blob upload', start);
    await start.arrayBuffer();
    const location = new URL(start.headers.get('location') ?? '', this.base);
    location.searchParams.set('digest', digest);
    const put = await this.send('PUT', location.toString(), { headers: { 'Content-Type': 'application/octet-stream' }, body: bytes }, true);
    if (put.status !== 201) return this.fail(`upload blob ${digest}`, put);
    await put.arrayBuffer();
    return digest;
  }

  /** Puts a manifest under a tag; returns its digest, as the registry computed it. */
  async putManifest(tag: string, mediaType: string, bytes: Buffer): Promise<string> {
    const res = await this.send('PUT', this.url('manifests', tag), { headers: { 'Content-Type': mediaType }, body: bytes }, true);
    if (res.status !== 201) return this.fail(`PUT manifest ${tag}`, res);
    await res.arrayBuffer();
    const digest = sha256Digest(bytes);
    const answered = res.headers.get('docker-content-digest');
    if (answered && answered !== digest) throw new RegistryError(`the registry stored manifest ${tag} as ${answered}, not ${digest}`, res.status);
    return digest;
  }
}
