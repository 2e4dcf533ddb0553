/**
 * Accounts: users, sign-in with lockout and sessions (`sessions.ts`), and API tokens
 * (`api-tokens.ts`). They live in tables beside the projections (`accounts-schema.ts`), not
 * in the log: password hashes never enter it. Every change is also an event in the `system`
 * stream (`account-events.ts`) that carries ids, never a password, hash or secret.
 *
 * Each change is committed to the tables first and its event appended after, so an event
 * never tells of a change that did not happen (a failed append leaves the change in place and
 * rejects the call).
 */
import { randomUUID } from 'node:crypto';
import { VigilError } from '../core/errors.js';
import type { Clearance, Principal, Role } from './access.js';
import { appendAccountEvents, type AccountEvent } from './account-events.js';
import {
  actorId,
  checkGrant,
  checkGrantWithin,
  checkPassword,
  checkTakeoverWithin,
  checkUsername,
  isUsername,
  type Actor,
  type Grant,
} from './account-rules.js';
import { generatePassword, hashPassword } from './account-secrets.js';
import { migrateAccounts } from './accounts-schema.js';
import { ApiTokens, type NewToken, type TokenView } from './api-tokens.js';
import { Sessions, type Session } from './sessions.js';
import type { SqlDatabase } from './sql.js';
import type { Store } from './store.js';

export { MIN_PASSWORD_LENGTH, type Actor } from './account-rules.js';
export type { NewToken, TokenView } from './api-tokens.js';
export type { Session } from './sessions.js';

export interface AccountsOptions {
  /** The clock of lockouts and sessions; default the system clock. */
  clock?: () => Date;
  /** Consecutive failed sign-ins that lock a user name (default 5). */
  maxFailures?: number;
  /** How long a locked user name stays locked, ms (default 15 minutes). */
  lockoutMs?: number;
  /** A session unused this long has expired, ms (default 8 hours). */
  sessionIdleMs?: number;
  /** A session has expired this long after sign-in however much it is used, ms (default 24 hours). */
  sessionMaxMs?: number;
  /** At most one `token.used` event per token per this many ms (default one minute). */
  tokenUseEventEveryMs?: number;
}

export interface UserView {
  id: string;
  username: string;
  roles: Role[];
  clearance: Clearance;
  compartments: string[];
  disabled: boolean;
  /** ISO 8601 UTC. */
  createdAt: string;
}

export interface NewUser {
  username: string;
  password: string;
  roles: Role[];
  /** Default the lowest, UNCLASSIFIED. */
  clearance?: Clearance;
  compartments?: string[];
}

type UserRow = {
  id: string;
  username: string;
  password_hash: string;
  roles: string;
  clearance: string;
  compartments: string;
  disabled: number;
  created_ms: number;
};

const USER_COLUMNS = 'id, username, password_hash, roles, clearance, compartments, disabled, created_ms';

export class Accounts {
  private constructor(
    private readonly store: Store,
    private readonly db: SqlDatabase,
    private readonly sessions: Sessions,
    private readonly tokens: ApiTokens,
    private readonly now: () => number,
  ) {}

  /** Opens the accounts of a store, creating or migrating their tables. */
  static async open(store: Store, options: AccountsOptions = {}): Promise<Accounts> {
    await migrateAccounts(store.db);
    const clock = options.clock ?? (() => new Date());
    const now = () => clock().getTime();
    const sessions = new Sessions(store, now, {
      maxFailures: options.maxFailures ?? 5,
      lockoutMs: options.lockoutMs ?? 15 * 60_000,
      sessionIdleMs: options.sessionIdleMs ?? 8 * 3_600_000,
      sessionMaxMs: options.sessionMaxMs ?? 24 * 3_600_000,
    });
    const tokens = new ApiTokens(store, now, options.tokenUseEventEveryMs ?? 60_000);
    return new Accounts(store, store.db, sessions, tokens, now);
  }

  /**
   * On the first start of a store with no users, creates `admin` (roles admin, clearance TOP
   * SECRET) with `password`, or a generated one that the caller prints once. Resolves to
   * undefined when users exist (also when another process created them first). Throws
   * PASSWORD_WEAK for a given password that is too short.
   */
  async ensureAdmin(
    password?: string,
  ): Promise<{ username: 'admin'; password: string; generated: boolean } | undefined> {
    const chosen = password === undefined ? generatePassword() : checkPassword(password);
    const [count] = await this.db.all<{ n: number }>('SELECT count(*) AS n FROM auth_users');
    if (Number(count?.n ?? 0) > 0) return undefined;
    const user = await this.#insertUser(
      'admin',
      chosen,
      { roles: ['admin'], clearance: 'TOP SECRET', compartments: [] },
      'system',
    );
    return user === undefined
      ? undefined
      : { username: 'admin', password: chosen, generated: password === undefined };
  }

  /**
   * Creates a user. Throws REQUEST_INVALID (bad user name, no roles, an unknown role or
   * clearance), FORBIDDEN (a principal granting a clearance above its own or a compartment it
   * does not hold), PASSWORD_WEAK (fewer than MIN_PASSWORD_LENGTH characters) or USER_EXISTS.
   */
  async createUser(input: NewUser, actor: Actor): Promise<UserView> {
    const username = checkUsername(input.username);
    const password = checkPassword(input.password);
    const grant = checkGrant(input);
    checkGrantWithin(grant, actor);
    const user = await this.#insertUser(username, password, grant, actorId(actor));
    if (user !== undefined) return user;
    throw new VigilError('USER_EXISTS', `a user named "${username}" already exists`, { path: '/username' });
  }

  /** Every user, by user name. */
  async listUsers(): Promise<UserView[]> {
    const rows = await this.db.all<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users ORDER BY username`);
    return rows.map(userView);
  }

  /** The user with this name, or undefined. */
  async user(username: string): Promise<UserView | undefined> {
    const row = await this.#userRow(username);
    return row === undefined ? undefined : userView(row);
  }

  /** Disables a user and ends their sessions (no event when already disabled). Throws USER_NOT_FOUND. */
  async disableUser(username: string, actor: Actor): Promise<UserView> {
    const row = await this.#requireUser(username);
    if (row.disabled !== 0) return userView(row);
    await this.db.transaction(async (tx) => {
      await tx.run('UPDATE auth_users SET disabled = 1 WHERE id = ?', [row.id]);
      await tx.run('DELETE FROM auth_sessions WHERE user_id = ?', [row.id]);
    });
    await this.#record(actorId(actor), { type: 'user.disabled', data: { user: row.id } });
    return { ...userView(row), disabled: true };
  }

  /**
   * Sets a user's password (`password`, or a generated one when undefined), ends their sessions
   * and clears the lockout of their name. A disabled user stays disabled. Throws
   * USER_NOT_FOUND, PASSWORD_WEAK, or FORBIDDEN when a principal would take over a user cleared
   * above it or holding a compartment it does not (whoever sets the password can sign in as
   * the user).
   */
  async resetPassword(
    username: string,
    password: string | undefined,
    actor: Actor,
  ): Promise<{ user: UserView; password: string; generated: boolean }> {
    const chosen = password === undefined ? generatePassword() : checkPassword(password);
    const row = await this.#requireUser(username);
    const target = userView(row);
    checkTakeoverWithin(target.username, target, actor);
    const passwordHash = await hashPassword(chosen);
    await this.db.transaction(async (tx) => {
      await tx.run('UPDATE auth_users SET password_hash = ? WHERE id = ?', [passwordHash, row.id]);
      await tx.run('DELETE FROM auth_sessions WHERE user_id = ?', [row.id]);
      await tx.run('DELETE FROM auth_failures WHERE username = ?', [row.username]);
    });
    await this.#record(actorId(actor), { type: 'user.password-reset', data: { user: row.id } });
    return { user: target, password: chosen, generated: password === undefined };
  }

  /**
   * Signs a user in: a new session and its secret (for the cookie; kept nowhere). One answer,
   * AUTH_FAILED, for an unknown user, a wrong password and a disabled user, in comparable time
   * (an unknown user's password is checked against a dummy hash). After `maxFailures`
   * consecutive failures a user name, existing or not, is locked for `lockoutMs`:
   * SIGN_IN_LOCKED, details `retryAfterSeconds`, without the password checked; a success clears
   * the count. A malformed user name fails at once, unrecorded; every other attempt is an event
   * (`session.started`, or `session.refused` by `anonymous`). Also ends expired sessions.
   */
  signIn(username: string, password: string): Promise<{ session: Session; secret: string }> {
    return this.sessions.signIn(username, password);
  }

  /**
   * The session of a cookie's secret, marked as used now; undefined for an unknown or malformed
   * secret, an expired session (idle too long or past its maximum age: ended, with an event) or
   * a disabled user. The principal is read from the user's row each time.
   */
  authenticateSession(secret: string): Promise<Session | undefined> {
    return this.sessions.authenticate(secret);
  }

  /**
   * The principal of a session as it stands now, by the session's id (not its secret): read
   * afresh from the user's row, undefined once the session ended (signed out, expired: then
   * ended now, with its event; the user disabled or their password reset). Not a use: the
   * session's idle time runs on. For what holds a session open past one request (the event
   * stream).
   */
  sessionPrincipal(sessionId: string): Promise<Principal | undefined> {
    return this.sessions.current(sessionId);
  }

  /** Ends the session of a cookie's secret (`session.ended`, signed-out); nothing for an unknown one. */
  signOut(secret: string): Promise<void> {
    return this.sessions.signOut(secret);
  }

  /** See ApiTokens.create. */
  createToken(input: NewToken, actor: Actor): Promise<{ token: TokenView; secret: string }> {
    return this.tokens.create(input, actor);
  }

  /** Every API token, oldest first, revoked ones included. */
  listTokens(): Promise<TokenView[]> {
    return this.tokens.list();
  }

  /** See ApiTokens.revoke. */
  revokeToken(id: string, actor: Actor): Promise<TokenView> {
    return this.tokens.revoke(id, actor);
  }

  /** See ApiTokens.authenticate. */
  authenticateToken(secret: string): Promise<Principal | undefined> {
    return this.tokens.authenticate(secret);
  }

  /** See ApiTokens.current. */
  tokenPrincipal(id: string): Promise<Principal | undefined> {
    return this.tokens.current(id);
  }

  /** Inserts a user unless the name is taken (then undefined), with its event. */
  async #insertUser(
    username: string,
    password: string,
    grant: Grant,
    actor: string,
  ): Promise<UserView | undefined> {
    const row: UserRow = {
      id: randomUUID(),
      username,
      password_hash: await hashPassword(password),
      roles: JSON.stringify(grant.roles),
      clearance: grant.clearance,
      compartments: JSON.stringify(grant.compartments),
      disabled: 0,
      created_ms: this.now(),
    };
    // One statement decides who gets a name, even between processes.
    const inserted = await this.db.transaction((tx) =>
      tx.all(
        `INSERT INTO auth_users (${USER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING RETURNING id`,
        [
          row.id,
          row.username,
          row.password_hash,
          row.roles,
          row.clearance,
          row.compartments,
          row.disabled,
          row.created_ms,
        ],
      ),
    );
    if (inserted.length === 0) return undefined;
    await this.#record(actor, { type: 'user.created', data: { user: row.id, username, ...grant } });
    return userView(row);
  }

  async #userRow(username: string): Promise<UserRow | undefined> {
    if (!isUsername(username)) return undefined;
    const [row] = await this.db.all<UserRow>(`SELECT ${USER_COLUMNS} FROM auth_users WHERE username = ?`, [
      username,
    ]);
    return row;
  }

  async #requireUser(username: string): Promise<UserRow> {
    const row = await this.#userRow(username);
    if (row === undefined) throw new VigilError('USER_NOT_FOUND', `no user named "${username}"`);
    return row;
  }

  #record(actor: string, event: AccountEvent): Promise<void> {
    return appendAccountEvents(this.store, actor, [event]);
  }
}

function userView(row: UserRow): UserView {
  return {
    id: row.id,
    username: row.username,
    roles: JSON.parse(row.roles) as Role[],
    clearance: row.clearance as Clearance,
    compartments: JSON.parse(row.compartments) as string[],
    disabled: row.disabled !== 0,
    createdAt: new Date(row.created_ms).toISOString(),
  };
}
