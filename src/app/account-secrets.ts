/**
 * The secrets of accounts: password hashes (argon2id), generated passwords, session and API
 * token secrets, and the SHA-256 under which a session or token secret is stored. Nothing here
 * keeps a secret; nothing here touches the database.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../log/event.js';
import { hash, verify, type Algorithm } from '@node-rs/argon2';

/** Algorithm.Argon2id, an ambient const enum member that verbatimModuleSyntax cannot read. */
const ARGON2ID = 2 as Algorithm.Argon2id;

/** Random bytes in a session or token secret: 256 bits. */
const SECRET_BYTES = 32;

/** An argon2id PHC string of `password` (default cost: 19 MiB, 2 passes; about 50 ms). */
export function hashPassword(password: string): Promise<string> {
  return hash(password, { algorithm: ARGON2ID });
}

/** True when `password` matches the PHC string `passwordHash`. False, never a throw, for a malformed hash. */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A new password: 20 characters of base64url (120 random bits). */
export function generatePassword(): string {
  return randomBytes(15).toString('base64url');
}

/** A new session secret (the cookie's value) or CSRF token: 32 random bytes, base64url. */
export function newSecret(): string {
  return randomBytes(SECRET_BYTES).toString('base64url');
}

/** True when `text` has the shape of a `newSecret` value (43 base64url characters). */
export function isSecretShaped(text: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(text);
}

/** Lowercase hex SHA-256 of a secret: what the tables keep instead of it. */
export function secretHash(secret: string): string {
  return sha256Hex(secret);
}

/** True when two hex hashes are equal, in time independent of where they differ. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** A new API token's id and its secret, `vigil_<id without dashes>_<32 random bytes base64url>`. */
export function newTokenSecret(): { id: string; secret: string } {
  const id = randomUUID();
  return { id, secret: `vigil_${id.replaceAll('-', '')}_${newSecret()}` };
}

/** The token id a secret names, or undefined when the secret is not shaped like one. */
export function tokenIdOf(secret: string): string | undefined {
  const match = /^vigil_([0-9a-f]{32})_[A-Za-z0-9_-]{43}$/.exec(secret);
  const hex = match?.[1];
  if (hex === undefined) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
