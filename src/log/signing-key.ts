/**
 * The Ed25519 key that signs checkpoints (spec section 2). It lives outside the database, in a
 * file only its owner can read, so whoever can rewrite the database cannot re-sign it.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { link, mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { VigilError } from '../core/errors.js';

/** A signing key: the private half for signing, the public half as the spec names it. */
export interface SigningKey {
  /** First 16 hex digits of the SHA-256 of the public key's SPKI DER encoding. */
  readonly keyId: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  /** The public key as PEM (SPKI), what `vigil keys` prints and every export carries. */
  readonly publicKeyPem: string;
}

/** Where the key lives by default: `<dataDir>/signing-key.pem`. */
export function defaultSigningKeyPath(dataDir: string): string {
  return join(dataDir, 'signing-key.pem');
}

/** The key id of a public key: the first 16 hex digits of SHA-256 of its SPKI DER encoding. */
export function keyIdOf(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('hex').slice(0, 16);
}

/**
 * Reads an Ed25519 public key from PEM (SPKI). Returns undefined when the text is not one;
 * never throws.
 */
export function publicKeyFromPem(pem: string): KeyObject | undefined {
  try {
    const key = createPublicKey(pem);
    return key.asymmetricKeyType === 'ed25519' ? key : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The signing key of a PKCS#8 PEM private key. Throws VigilError `SIGNING_KEY_INVALID` when
 * the text is not an Ed25519 private key.
 */
export function signingKeyFromPem(pem: string): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new VigilError('SIGNING_KEY_INVALID', `not a private key in PEM: ${(error as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new VigilError(
      'SIGNING_KEY_INVALID',
      `the signing key must be Ed25519, not ${String(privateKey.asymmetricKeyType)}`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  return {
    keyId: keyIdOf(publicKey),
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/**
 * The signing key stored at `path`, created there first when the file does not exist: a new
 * Ed25519 key as PKCS#8 PEM, mode 0600 (owner only), parent folders created as needed. Safe
 * when several processes start at once: the file appears whole (written aside, then linked
 * into place) and exactly one key wins. Throws VigilError `SIGNING_KEY_INVALID` when an
 * existing file is not an Ed25519 private key; file-system errors pass through.
 */
export async function loadOrCreateSigningKey(path: string): Promise<SigningKey> {
  try {
    return signingKeyFromPem(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  await mkdir(dirname(path), { recursive: true });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const aside = `${path}.${randomUUID()}.tmp`;
  await writeFile(aside, pem, { mode: 0o600, flag: 'wx', flush: true });
  try {
    await link(aside, path); // fails with EEXIST when another process got there first
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(aside);
  }
  return signingKeyFromPem(await readFile(path, 'utf8'));
}
