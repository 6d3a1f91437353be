import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  generateSigningKeyPair,
  loadPrivateKey,
  loadPublicKey,
  pae,
  parseSimpleSigning,
  signBytes,
  signingConfig,
  simpleSigningPayload,
  verifyBytes,
} from './signing';

const digest = `sha256:${'ab'.repeat(32)}`;

describe('simple-signing payload', () => {
  it('has the shape cosign signs and verifies', () => {
    const p = JSON.parse(simpleSigningPayload('127.0.0.1:5000/ns/slipway-api', digest).toString()) as unknown;
    expect(p).toEqual({
      critical: {
        identity: { 'docker-reference': '127.0.0.1:5000/ns/slipway-api' },
        image: { 'docker-manifest-digest': digest },
        type: 'cosign container image signature',
      },
      optional: null,
    });
    expect(JSON.parse(simpleSigningPayload('r/x', digest, { a: 'b' }).toString()).optional).toEqual({ a: 'b' });
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['another type', JSON.stringify({ critical: { type: 'atomic container signature' } }), /type is not "cosign container image signature"/],
    ['no digest', JSON.stringify({ critical: { type: 'cosign container image signature', identity: { 'docker-reference': 'r' }, image: {} } }), /names no image digest/],
  ])('a payload that is %s is refused', (_why, text, message) => {
    expect(() => parseSimpleSigning(Buffer.from(text))).toThrow(message);
  });
});

describe('signatures', () => {
  const { privateKey, publicKey } = generateSigningKeyPair();
  const signer = loadPrivateKey(privateKey);
  const verifier = loadPublicKey(publicKey);
  const payload = simpleSigningPayload('r/x', digest);

  it('round trip: what the key signs, its public key verifies', () => {
    expect(verifyBytes(verifier, payload, signBytes(signer, payload))).toBe(true);
  });

  it('a payload changed after signing is refused', () => {
    const sig = signBytes(signer, payload);
    const tampered = Buffer.from(payload.toString().replace('abab', 'abac'));
    expect(verifyBytes(verifier, tampered, sig)).toBe(false);
  });

  it('a signature by another key is refused, and garbage is not a signature', () => {
    const other = loadPrivateKey(generateSigningKeyPair().privateKey);
    expect(verifyBytes(verifier, payload, signBytes(other, payload))).toBe(false);
    expect(verifyBytes(verifier, payload, 'bm90IGEgc2lnbmF0dXJl')).toBe(false);
  });

  it('DSSE PAE is length-prefixed type and body', () => {
    expect(pae('application/vnd.in-toto+json', Buffer.from('{}')).toString()).toBe('DSSEv1 28 application/vnd.in-toto+json 2 {}');
  });
});

describe('keys', () => {
  let dir = '';
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'slipway-keys-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('an encrypted key needs its password, and says so', () => {
    const { privateKey } = generateSigningKeyPair('s3cret');
    expect(privateKey).toContain('ENCRYPTED PRIVATE KEY');
    expect(() => loadPrivateKey(privateKey)).toThrow(/IMAGE_SIGNING_KEY cannot be read \(encrypted\? set IMAGE_SIGNING_PASSWORD\)/);
    expect(() => loadPrivateKey(privateKey, 'wrong')).toThrow(/cannot be read with IMAGE_SIGNING_PASSWORD/);
    expect(loadPrivateKey(privateKey, 's3cret').asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('keys are read from PEM text or a file; anything else is refused', () => {
    const { publicKey } = generateSigningKeyPair();
    const file = join(dir, 'cosign.pub');
    writeFileSync(file, publicKey);
    expect(loadPublicKey(file).type).toBe('public');
    expect(() => loadPublicKey('/nonexistent/cosign.pub')).toThrow(/neither a PEM key nor the path of a file/);
  });

  it('a key that is not ECDSA P-256 is refused', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => loadPublicKey(rsa)).toThrow(/not an ECDSA P-256 key \(it is rsa\)/);
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => loadPrivateKey(p384)).toThrow(/not an ECDSA P-256 key \(it is ec secp384r1\)/);
  });

  it('signingConfig: no secrets, nothing; the private key alone also verifies; a mismatched pair is refused', () => {
    expect(signingConfig({})).toEqual({ signer: undefined, verifier: undefined });
    const a = generateSigningKeyPair('pw');
    const only = signingConfig({ IMAGE_SIGNING_KEY: a.privateKey, IMAGE_SIGNING_PASSWORD: 'pw' });
    expect(only.verifier?.export({ type: 'spki', format: 'pem' })).toBe(createPublicKey(a.publicKey).export({ type: 'spki', format: 'pem' }));
    expect(signingConfig({ IMAGE_SIGNING_PUBLIC_KEY: a.publicKey }).signer).toBeUndefined();
    const b = generateSigningKeyPair();
    expect(() => signingConfig({ IMAGE_SIGNING_KEY: a.privateKey, IMAGE_SIGNING_PASSWORD: 'pw', IMAGE_SIGNING_PUBLIC_KEY: b.publicKey })).toThrow(
      /IMAGE_SIGNING_KEY does not belong to IMAGE_SIGNING_PUBLIC_KEY/,
    );
  });
});
