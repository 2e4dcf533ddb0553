/**
 * Sign-in and sessions. A session's secret (the cookie's value) is kept nowhere: the table
 * holds its SHA-256, and events name the session by a separate id. Failed sign-ins are counted
 * per user name, whether or not a user has it, so a lockout tells nothing about who exists.
 */
import { randomUUID } from 'node:crypto';
import { VigilError } from '../core/errors.js';
import type { Clearance, Principal, Role } from './access.js';
import { ANONYMOUS, appendAccountEvents, type AccountEvent } from './account-events.js';
import { isUsername } from './account-rules.js';
import {
  generatePassword,
  hashPassword,
  isSecretShaped,
  newSecret,
  secretHash,
  verifyPassword,
} from './account-secrets.js';
import type { Store } from './store.js';

/** A signed-in user's session. */
export interface Session {
  /** Rebuilt from the user's row on every use, so changed roles take effect at once. */
  principal: Principal;
  /** What events name the session by (not its secret). */
  sessionId: string;
  /** What a cookie-authenticated change must send in `X-CSRF-Token`. */
  csrfToken: string;
  /** When the session expires unless used again, ms since the epoch. */
  expiresAt: number;
}

/** The limits of sign-in and sessions, all in ms except `maxFailures`. */
export interface SessionLimits {
  readonly maxFailures: number;
  readonly lockoutMs: number;
  readonly sessionIdleMs: number;
  readonly sessionMaxMs: number;
}

/** What a principal is built from: the user's row, read on every use. */
type PrincipalRow = {
  user_id: string;
  username: string;
  roles: string;
  clearance: string;
  compartments: string;
  disabled: number;
};

type SessionRow = PrincipalRow & {
  id: string;
  csrf_token: string;
  last_seen_ms: number;
  expires_ms: number;
};

export class Sessions {
  /** Hashed on first need: what an unknown user's password is checked against, so it costs as long. */
  #unknownUserHash: Promise<string> | undefined;

  /** `now` in ms since the epoch. */
  constructor(
    private readonly store: Pick<Store, 'append' | 'db'>,
    private readonly now: () => number,
    private readonly limits: SessionLimits,
  ) {}

  /** See Accounts.signIn. */
  async signIn(username: string, password: string): Promise<{ session: Session; secret: string }> {
    const failed = new VigilError('AUTH_FAILED', 'wrong user name or password');
    if (!isUsername(username) || typeof password !== 'string') throw failed;
    const now = this.now();
    const [failures] = await this.store.db.all<{ locked_until_ms: number | null }>(
      'SELECT locked_until_ms FROM auth_failures WHERE username = ?',
      [username],
    );
    const lockedUntil = failures?.locked_until_ms ?? null;
    if (lockedUntil !== null && lockedUntil > now) {
      await this.#record(ANONYMOUS, { type: 'session.refused', data: { username, reason: 'locked' } });
      const retryAfterSeconds = Math.ceil((lockedUntil - now) / 1000);
      throw new VigilError(
        'SIGN_IN_LOCKED',
        `too many failed sign-ins; try again after ${new Date(lockedUntil).toISOString()}`,
        { retryAfterSeconds },
      );
    }
    const [user] = await this.store.db.all<PrincipalRow & { password_hash: string }>(
      'SELECT id AS user_id, username, roles, clearance, compartments, disabled, password_hash FROM auth_users WHERE username = ?',
      [username],
    );
    const matches = await verifyPassword(user?.password_hash ?? (await this.#unknownHash()), password);
    if (user === undefined || !matches || user.disabled !== 0) {
      await this.#countFailure(username, now);
      const reason = user !== undefined && matches ? 'disabled' : 'bad-credentials';
      await this.#record(ANONYMOUS, { type: 'session.refused', data: { username, reason } });
      throw failed;
    }
    await this.#endExpired(now);
    const secret = newSecret();
    const session: Session = {
      principal: principalOf(user),
      sessionId: randomUUID(),
      csrfToken: newSecret(),
      expiresAt: now + Math.min(this.limits.sessionIdleMs, this.limits.sessionMaxMs),
    };
    await this.store.db.transaction(async (tx) => {
      await tx.run('DELETE FROM auth_failures WHERE username = ?', [username]);
      await tx.run(
        'INSERT INTO auth_sessions (id, secret_hash, csrf_token, user_id, created_ms, last_seen_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [session.sessionId, secretHash(secret), session.csrfToken, user.user_id, now, now, now + this.limits.sessionMaxMs],
      );
    });
    await this.#record(user.user_id, { type: 'session.started', data: { user: user.user_id, session: session.sessionId } });
    return { session, secret };
  }

  /** See Accounts.authenticateSession. */
  async authenticate(secret: string): Promise<Session | undefined> {
    if (typeof secret !== 'string' || !isSecretShaped(secret)) return undefined;
    const now = this.now();
    const session = await this.#live('secret_hash', secretHash(secret), now);
    if (session !== undefined) {
      // A busy session writes its last use at most every tenth of its idle limit (and 30 s),
      // not once per request.
      const step = Math.min(30_000, this.limits.sessionIdleMs / 10);
      await this.store.db.run('UPDATE auth_sessions SET last_seen_ms = ? WHERE id = ? AND last_seen_ms <= ?', [now, session.sessionId, now - step]);
    }
    return session;
  }

  /** See Accounts.sessionPrincipal. */
  async current(sessionId: string): Promise<Principal | undefined> {
    if (typeof sessionId !== 'string') return undefined;
    return (await this.#live('id', sessionId, this.now()))?.principal;
  }

  /** See Accounts.signOut. */
  async signOut(secret: string): Promise<void> {
    if (typeof secret !== 'string' || !isSecretShaped(secret)) return;
    const [row] = await this.store.db.all<{ id: string; user_id: string }>(
      'SELECT id, user_id FROM auth_sessions WHERE secret_hash = ?',
      [secretHash(secret)],
    );
    if (row !== undefined) await this.#end([row], 'signed-out', row.user_id);
  }

  /**
   * The session whose `column` (its secret's hash, or its id) is `value`, as if used at `now`;
   * an expired one is ended (with its event).
   */
  async #live(column: 'secret_hash' | 'id', value: string, now: number): Promise<Session | undefined> {
    const [row] = await this.store.db.all<SessionRow>(
      `SELECT s.id, s.csrf_token, s.user_id, s.last_seen_ms, s.expires_ms, u.username, u.roles, u.clearance, u.compartments, u.disabled
       FROM auth_sessions s JOIN auth_users u ON u.id = s.user_id WHERE s.${column} = ?`,
      [value],
    );
    // Disabling a user deletes their sessions; the check keeps a session racing it out too.
    if (row === undefined || row.disabled !== 0) return undefined;
    if (Math.min(row.last_seen_ms + this.limits.sessionIdleMs, row.expires_ms) <= now) {
      await this.#end([row], 'expired', 'system');
      return undefined;
    }
    return {
      principal: principalOf(row),
      sessionId: row.id,
      csrfToken: row.csrf_token,
      expiresAt: Math.min(now + this.limits.sessionIdleMs, row.expires_ms),
    };
  }

  /** Counts a failed sign-in against a user name; at `maxFailures` it locks the name and the count restarts. */
  async #countFailure(username: string, now: number): Promise<void> {
    await this.store.db.transaction(async (tx) => {
      const [row] = await tx.all<{ failures: number }>(
        `INSERT INTO auth_failures (username, failures, locked_until_ms) VALUES (?, 1, NULL)
         ON CONFLICT (username) DO UPDATE SET failures = auth_failures.failures + 1 RETURNING failures`,
        [username],
      );
      if ((row?.failures ?? 0) >= this.limits.maxFailures) {
        await tx.run('UPDATE auth_failures SET failures = 0, locked_until_ms = ? WHERE username = ?', [
          now + this.limits.lockoutMs,
          username,
        ]);
      }
    });
  }

  /** Ends every session past its idle or maximum age, so the table holds only live ones. */
  async #endExpired(now: number): Promise<void> {
    const expired = await this.store.db.all<{ id: string; user_id: string }>(
      'SELECT id, user_id FROM auth_sessions WHERE last_seen_ms <= ? OR expires_ms <= ?',
      [now - this.limits.sessionIdleMs, now],
    );
    await this.#end(expired, 'expired', 'system');
  }

  /** Deletes sessions, with an event for each one this call deleted (not one ended meanwhile). */
  async #end(
    sessions: readonly { id: string; user_id: string }[],
    reason: 'signed-out' | 'expired',
    actor: string,
  ): Promise<void> {
    const ended: AccountEvent[] = [];
    for (const s of sessions) {
      // In a transaction: a write whose RETURNING rows are read must wait for any open one.
      const deleted = await this.store.db.transaction((tx) =>
        tx.all('DELETE FROM auth_sessions WHERE id = ? RETURNING id', [s.id]),
      );
      if (deleted.length > 0) ended.push({ type: 'session.ended', data: { user: s.user_id, session: s.id, reason } });
    }
    await appendAccountEvents(this.store, actor, ended);
  }

  #unknownHash(): Promise<string> {
    this.#unknownUserHash ??= hashPassword(generatePassword());
    return this.#unknownUserHash;
  }

  #record(actor: string, event: AccountEvent): Promise<void> {
    return appendAccountEvents(this.store, actor, [event]);
  }
}

function principalOf(row: PrincipalRow): Principal {
  return {
    kind: 'user',
    id: row.user_id,
    name: row.username,
    roles: JSON.parse(row.roles) as Role[],
    clearance: row.clearance as Clearance,
    compartments: JSON.parse(row.compartments) as string[],
  };
}
