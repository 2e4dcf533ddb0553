/**
 * Acknowledgment links: a token that lets the person a warning version was sent to acknowledge
 * it without signing in. The token carries the warning, its version, the person and an expiry,
 * signed with HMAC-SHA256 under the server's secret (`<payload>.<signature>`, both base64url).
 * It is single use by the rule of the acknowledgment route: the `warning.acknowledged` event it
 * causes is the record of its use, and a person acknowledges a version once.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a token says: `person` may acknowledge `version` of `warning` until `expires`. */
export interface AckClaim {
  readonly warning: string;
  readonly version: number;
  readonly person: string;
  /** Milliseconds since the epoch. */
  readonly expires: number;
}

/** Why a token was refused: not a token at all, not signed by us, or too old. */
export type AckTokenRefusal = 'malformed' | 'forged' | 'expired';

export type AckTokenCheck =
  { readonly ok: true; readonly claim: AckClaim } | { readonly ok: false; readonly reason: AckTokenRefusal };

/** Default lifetime of a link: 24 hours. */
export const ACK_TOKEN_TTL_MS = 24 * 3600 * 1000;

/** Domain separation: this secret signs nothing else under this prefix. */
const CONTEXT = 'vigil-ack-v1.';
const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** Longer tokens are refused unread (the router takes path parameters up to 500 characters). */
const MAX_LENGTH = 480;

export class AckTokens {
  readonly #secret: Buffer;

  /** `secret`: at least 16 bytes; `ttlMs`: how long a link stays valid. */
  constructor(
    secret: string | Buffer,
    private readonly ttlMs: number = ACK_TOKEN_TTL_MS,
  ) {
    this.#secret = typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
    if (this.#secret.length < 16) throw new Error('an acknowledgment secret needs at least 16 bytes');
  }

  /** A token for `person` to acknowledge `version` of `warning`, valid for the lifetime from `now` (ms). */
  mint(subject: { warning: string; version: number; person: string }, now: number): string {
    const payload = Buffer.from(
      JSON.stringify({ w: subject.warning, v: subject.version, p: subject.person, e: now + this.ttlMs }),
      'utf8',
    ).toString('base64url');
    return `${payload}.${this.#sign(payload)}`;
  }

  /**
   * Checks any string as a token at `now` (ms): the signature first (nothing unsigned is
   * parsed), then the shape, then the expiry. Never throws.
   */
  check(token: string, now: number): AckTokenCheck {
    const parts = token.length <= MAX_LENGTH ? token.split('.') : [];
    const [payload, signature] = parts;
    if (
      parts.length !== 2 ||
      payload === undefined ||
      signature === undefined ||
      !BASE64URL.test(payload) ||
      !BASE64URL.test(signature)
    ) {
      return { ok: false, reason: 'malformed' };
    }
    const expected = Buffer.from(this.#sign(payload), 'utf8');
    const given = Buffer.from(signature, 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected))
      return { ok: false, reason: 'forged' };
    let body: unknown;
    try {
      body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed' };
    }
    const { w, v, p, e } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (
      typeof w !== 'string' ||
      typeof p !== 'string' ||
      typeof v !== 'number' ||
      !Number.isSafeInteger(v) ||
      v < 1 ||
      typeof e !== 'number' ||
      !Number.isFinite(e)
    ) {
      return { ok: false, reason: 'malformed' };
    }
    if (now >= e) return { ok: false, reason: 'expired' };
    return { ok: true, claim: { warning: w, version: v, person: p, expires: e } };
  }

  #sign(payload: string): string {
    return createHmac('sha256', this.#secret)
      .update(CONTEXT + payload, 'utf8')
      .digest('base64url');
  }
}
