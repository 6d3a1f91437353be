import type { NewBuild, NewRelease } from '@slipway/api-contract';
import { idempotencyKey, ledgerConfig, postBuild, postRelease } from './ledger';

const build: NewBuild = {
  project: 'api',
  image: 'registry.example/ns/slipway-api',
  digest: `sha256:${'a'.repeat(64)}`,
  tags: ['1a2b3c4'],
  sizeBytes: 1,
  platform: 'linux/amd64',
  gitSha: '1a2b3c4',
  nxHash: '1',
  outcome: 'reused',
  durationMs: 1,
};

/** A fetch that answers from a list and remembers what it was asked. */
function fakeFetch(answers: (Response | Error)[]) {
  const calls: { url: string; init: RequestInit }[] = [];
  const impl = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    if (next instanceof Error) throw next;
    return next;
  }) as unknown as typeof fetch;
  return { impl, calls };
}

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('ledgerConfig', () => {
  it('is off without LEDGER_URL, and needs a token with it', () => {
    expect(ledgerConfig({})).toBeUndefined();
    expect(ledgerConfig({ LEDGER_URL: ' ' })).toBeUndefined();
    expect(() => ledgerConfig({ LEDGER_URL: 'https://ledger.example' })).toThrow(/LEDGER_TOKEN is not/);
    expect(() => ledgerConfig({ LEDGER_URL: 'ledger.example', LEDGER_TOKEN: 't' })).toThrow(/not an http\(s\) URL/);
    expect(ledgerConfig({ LEDGER_URL: 'https://ledger.example/', LEDGER_TOKEN: 't' })).toEqual({ url: 'https://ledger.example', token: 't' });
  });
});

describe('postBuild', () => {
  const config = { url: 'http://ledger.test', token: 'secret' };

  it('POSTs the build with the bearer token and returns the stored record', async () => {
    const f = fakeFetch([json(201, { ...build, id: 7, recordedAt: '2026-01-01T00:00:00Z' })]);
    const stored = await postBuild(config, build, { fetch: f.impl });
    expect(stored.id).toBe(7);
    expect(f.calls).toHaveLength(1);
    expect(f.calls[0]?.url).toBe('http://ledger.test/api/v1/builds');
    expect(f.calls[0]?.init.method).toBe('POST');
    expect((f.calls[0]?.init.headers as Record<string, string>)['Authorization']).toBe('Bearer secret');
    expect(JSON.parse(String(f.calls[0]?.init.body))).toEqual(build);
  });

  it('quotes the API on a refused record and does not retry it', async () => {
    const f = fakeFetch([json(400, { error: { code: 'invalid_build', message: 'The build record is invalid.', fields: { digest: 'must be sha256' } } })]);
    await expect(postBuild(config, build, { fetch: f.impl })).rejects.toThrow(/refused the build record \(400 invalid_build: The build record is invalid\. \(digest: must be sha256\)\)/);
    expect(f.calls).toHaveLength(1);
  });

  it('says which token to use on 401', async () => {
    const f = fakeFetch([json(401, { error: { code: 'unauthorized', message: 'no' } })]);
    await expect(postBuild(config, build, { fetch: f.impl })).rejects.toThrow(/refused LEDGER_TOKEN.*API_WRITE_TOKENS/);
  });

  it('retries a connection failure or a 503, then succeeds', async () => {
    const f = fakeFetch([new TypeError('fetch failed'), json(503, { error: { code: 'unavailable', message: 'db' } }), json(201, { ...build, id: 8 })]);
    expect((await postBuild(config, build, { fetch: f.impl, retryDelayMs: 1 })).id).toBe(8);
    expect(f.calls).toHaveLength(3);
  });

  const keyOf = (call: { init: RequestInit } | undefined) => (call?.init.headers as Record<string, string>)['Idempotency-Key'];

  it('sends every attempt with the same Idempotency-Key, derived from the CI run, project and digest', async () => {
    const ci = { ...build, ciRunId: '1001-2' };
    const f = fakeFetch([new TypeError('fetch failed'), json(201, { ...ci, id: 9 })]);
    await postBuild(config, ci, { fetch: f.impl, retryDelayMs: 1 });
    const key = keyOf(f.calls[0]);
    expect(key).toMatch(/^publish-[0-9a-f]{48}$/);
    expect(keyOf(f.calls[1])).toBe(key);
    // The same record in a later process of the run gets the same key; any other, another.
    expect(idempotencyKey(ci)).toBe(key);
    expect(idempotencyKey({ ...ci, ciRunId: '1001-3' })).not.toBe(key);
    expect(idempotencyKey({ ...ci, project: 'web' })).not.toBe(key);
    expect(idempotencyKey({ ...ci, digest: `sha256:${'b'.repeat(64)}` })).not.toBe(key);
  });

  it('keys a record without a CI run for its own retries only', async () => {
    const f = fakeFetch([new TypeError('fetch failed'), json(201, { ...build, id: 10 })]);
    await postBuild(config, build, { fetch: f.impl, retryDelayMs: 1 });
    expect(keyOf(f.calls[0])).toMatch(/^publish-[0-9a-f-]{36}$/);
    expect(keyOf(f.calls[1])).toBe(keyOf(f.calls[0]));
    expect(idempotencyKey(build)).not.toBe(keyOf(f.calls[0]));
  });

  it('does not retry a key the ledger holds for another record', async () => {
    const f = fakeFetch([json(422, { error: { code: 'idempotency_key_reused', message: 'used for another build' } })]);
    await expect(postBuild(config, { ...build, ciRunId: '7' }, { fetch: f.impl, retryDelayMs: 1 })).rejects.toThrow(
      /already holds another record of api@sha256:a+ for CI run 7 \(422 idempotency_key_reused: used for another build\)/,
    );
    expect(f.calls).toHaveLength(1);
  });

  it('gives up after three attempts and says why', async () => {
    const f = fakeFetch([new TypeError('fetch failed'), new TypeError('fetch failed'), new TypeError('fetch failed')]);
    await expect(postBuild(config, build, { fetch: f.impl, retryDelayMs: 1 })).rejects.toThrow(/after 3 attempts: no answer \(fetch failed\)/);
  });
});

describe('postRelease', () => {
  const config = { url: 'http://ledger.test', token: 'secret' };
  const release: NewRelease = {
    project: 'api',
    image: 'registry.example/ns/slipway-api',
    digest: `sha256:${'a'.repeat(64)}`,
    version: '2612.02.1a2b3c4',
    tags: ['2612.02.1a2b3c4'],
    gitSha: '1a2b3c4',
    ciRunId: '7',
  };
  const stored = { ...release, id: 3, recordedAt: '2026-12-02T00:00:00Z' };

  it('POSTs the release with the bearer token, no Idempotency-Key, and returns the stored record', async () => {
    const f = fakeFetch([json(201, stored)]);
    expect((await postRelease(config, release, { fetch: f.impl })).id).toBe(3);
    expect(f.calls[0]?.url).toBe('http://ledger.test/api/v1/releases');
    const headers = f.calls[0]?.init.headers as Record<string, string>;
    expect(headers['Authorization']).toBe('Bearer secret');
    expect(headers['Idempotency-Key']).toBeUndefined();
    expect(JSON.parse(String(f.calls[0]?.init.body))).toEqual(release);
  });

  it('takes a repeat (200) as recorded, also after a lost answer', async () => {
    const f = fakeFetch([json(503, { error: { code: 'unavailable', message: 'later' } }), json(200, stored)]);
    expect(await postRelease(config, release, { fetch: f.impl, retryDelayMs: 1 })).toEqual(stored);
    expect(f.calls).toHaveLength(2);
  });

  it('refuses, without retrying, a version the ledger holds for another digest', async () => {
    const f = fakeFetch([json(409, { error: { code: 'release_conflict', message: 'Already released.', fields: { digest: 'differs' } } })]);
    await expect(postRelease(config, release, { fetch: f.impl })).rejects.toThrow(
      /holds release 2612\.02\.1a2b3c4 of api for another digest than sha256:a+ \(409 release_conflict: Already released\. \(digest: differs\)\)/,
    );
    expect(f.calls).toHaveLength(1);
  });

  it('quotes a refused release record', async () => {
    const f = fakeFetch([json(400, { error: { code: 'invalid_release', message: 'The release record is invalid.', fields: { version: 'bad' } } })]);
    await expect(postRelease(config, release, { fetch: f.impl })).rejects.toThrow(/refused the release record \(400 invalid_release/);
  });
});
