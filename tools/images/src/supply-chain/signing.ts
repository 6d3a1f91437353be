import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';

/**
 * Signatures in the format cosign reads with `--key`: ECDSA P-256 over SHA-256,
 * DER-encoded, base64 in the manifest annotation. The private key is PKCS#8
 * PEM (encrypted with IMAGE_SIGNING_PASSWORD, or not); cosign's own
 * encrypted key format uses NaCl secretbox, which Node's crypto lacks, so
 * `cosign import-key-pair --key <pem>` turns this key into one cosign signs
 * with, and the public key (SPKI PEM) is what `cosign verify --key` takes.
 */

/** The simple-signing payload's type, which cosign checks. */
export const SIGNATURE_TYPE = 'cosign container image signature';

/** The simple-signing payload cosign signs and verifies: which image, by digest. */
export interface SimpleSigning {
  critical: {
    identity: { 'docker-reference': string };
    image: { 'docker-manifest-digest': string };
    type: string;
  };
  optional: Record<string, string> | null;
}

/** The payload that says "this digest of this repository is signed". */
export function simpleSigningPayload(repository: string, digest: string, optional: Record<string, string> = {}): Buffer {
  const payload: SimpleSigning = {
    critical: { identity: { 'docker-reference': repository }, image: { 'docker-manifest-digest': digest }, type: SIGNATURE_TYPE },
    optional: Object.keys(optional).length > 0 ? optional : null,
  };
  return Buffer.from(JSON.stringify(payload));
}

/** Reads a signature payload; throws, saying what is wrong, when it is not one. */
export function parseSimpleSigning(bytes: Buffer): SimpleSigning {
  let p: SimpleSigning;
  try {
    p = JSON.parse(bytes.toString('utf8')) as SimpleSigning;
  } catch {
    throw new Error('the signature payload is not JSON');
  }
  if (p?.critical?.type !== SIGNATURE_TYPE) throw new Error(`the signature payload's type is not "${SIGNATURE_TYPE}"`);
  if (typeof p.critical.image?.['docker-manifest-digest'] !== 'string' || typeof p.critical.identity?.['docker-reference'] !== 'string') {
    throw new Error('the signature payload names no image digest or reference');
  }
  return p;
}

/** The DSSE pre-authentication encoding: what a DSSE signature covers (type and body, length-prefixed). */
export function pae(payloadType: string, body: Buffer): Buffer {
  const type = Buffer.from(payloadType);
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]);
}

/** ECDSA P-256 / SHA-256 signature of `data`, DER, base64. */
export function signBytes(key: KeyObject, data: Buffer): string {
  return sign('sha256', data, key).toString('base64');
}

/** Whether `signature` (base64 DER) is a valid signature of `data` by `key`. */
export function verifyBytes(key: KeyObject, data: Buffer, signature: string): boolean {
  try {
    return verify('sha256', data, key, Buffer.from(signature, 'base64'));
  } catch {
    return false;
  }
}

function pemText(value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value;
  if (existsSync(value)) return readFileSync(value, 'utf8');
  throw new Error(`${what} is neither a PEM key nor the path of a file holding one`);
}

function requireP256(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${what} is not an ECDSA P-256 key (it is ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` ${key.asymmetricKeyDetails.namedCurve}` : ''})`);
  }
  return key;
}

/** The signing key: PKCS#8 (or SEC1) PEM, text or file path, decrypted with the password when it is encrypted. */
export function loadPrivateKey(value: string, password?: string): KeyObject {
  const pem = pemText(value, 'IMAGE_SIGNING_KEY');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem', ...(password ? { passphrase: password } : {}) });
  } catch (e) {
    const why = (e as Error).message;
    throw new Error(`IMAGE_SIGNING_KEY cannot be read${password ? ' with IMAGE_SIGNING_PASSWORD' : ' (encrypted? set IMAGE_SIGNING_PASSWORD)'}: ${why}`);
  }
  return requireP256(key, 'IMAGE_SIGNING_KEY');
}

/** The verification key: SPKI PEM, text or file path. */
export function loadPublicKey(value: string): KeyObject {
  const pem = pemText(value, 'IMAGE_SIGNING_PUBLIC_KEY');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch (e) {
    throw new Error(`IMAGE_SIGNING_PUBLIC_KEY cannot be read: ${(e as Error).message}`);
  }
  return requireP256(key, 'IMAGE_SIGNING_PUBLIC_KEY');
}

/** A new key pair: the private key as PKCS#8 PEM (encrypted with AES-256-CBC when a password is given), the public one as SPKI PEM. */
export function generateSigningKeyPair(password?: string): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem', ...(password ? { cipher: 'aes-256-cbc', passphrase: password } : {}) }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The signing setup from the environment: the key (IMAGE_SIGNING_KEY, IMAGE_SIGNING_PASSWORD) and the key that verifies. */
export interface SigningConfig {
  signer?: KeyObject;
  /** IMAGE_SIGNING_PUBLIC_KEY, or the signer's own public key when only the private key is set. */
  verifier?: KeyObject;
}

/** Reads the signing setup; either key may be missing (a pull request has neither secret). */
export function signingConfig(env: NodeJS.ProcessEnv): SigningConfig {
  const keyValue = env['IMAGE_SIGNING_KEY'];
  const signer = keyValue ? loadPrivateKey(keyValue, env['IMAGE_SIGNING_PASSWORD'] || undefined) : undefined;
  const pub = env['IMAGE_SIGNING_PUBLIC_KEY'];
  const verifier = pub ? loadPublicKey(pub) : signer && createPublicKey(signer);
  if (signer && pub && verifier) {
    const probe = Buffer.from('slipway signing key check');
    if (!verifyBytes(verifier, probe, signBytes(signer, probe))) {
      throw new Error('IMAGE_SIGNING_KEY does not belong to IMAGE_SIGNING_PUBLIC_KEY: what this job signs would not verify');
    }
  }
  return { signer, verifier };
}
