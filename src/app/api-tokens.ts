/**
 * API tokens: a secret for `Authorization: Bearer`, shown once at creation. The table keeps
 * only the SHA-256 of the secret; the secret names its token's id, so authentication loads one
 * row and compares hashes in constant time.
 */
import { VigilError } from '../core/errors.js';
import type { Clearance, Principal, Role } from './access.js';
import { appendAccountEvents, type AccountEvent } from './account-events.js';
import { actorId, checkGrant, checkGrantWithin, checkTokenName, type Actor } from './account-rules.js';
import { newTokenSecret, sameHash, secretHash, tokenIdOf } from './account-secrets.js';
import type { Store } from './store.js';

export interface NewToken {
  name: string;
  roles: Role[];
  /** Default the lowest, UNCLASSIFIED. */
  clearance?: Clearance;
  compartments?: string[];
}

export interface TokenView {
  id: string;
  name: string;
  roles: Role[];
  clearance: Clearance;
  compartments: string[];
  /** ISO 8601 UTC. */
  createdAt: string;
  /** ISO 8601 UTC; absent while the token is live. */
  revokedAt?: string;
}

type TokenRow = {
  id: string;
  name: string;
  secret_hash: string;
  roles: string;
  clearance: string;
  compartments: string;
  created_ms: number;
  revoked_ms: number | null;
};

const TOKEN_COLUMNS = 'id, name, secret_hash, roles, clearance, compartments, created_ms, revoked_ms';

/** How long a token's row read from the table serves before it is read again. */
export const TOKEN_RECHECK_MS = 1_000;

export class ApiTokens {
  /** Per token: requests since its last `token.used` event, and when that event was. */
  readonly #use = new Map<string, { requests: number; lastEventMs: number }>();
  /**
   * Rows read recently, by token id, with when they were read: a busy client's requests do not
   * each read the table. A revocation here drops the entry at once; one made by another server
   * process is seen within TOKEN_RECHECK_MS.
   */
  readonly #recent = new Map<string, { row: TokenRow; readMs: number }>();

  /** `now` in ms since the epoch. */
  constructor(
    private readonly store: Pick<Store, 'append' | 'db'>,
    private readonly now: () => number,
    private readonly useEventEveryMs: number,
  ) {}

  /**
   * Creates a token; its secret is returned once and kept nowhere. Throws REQUEST_INVALID for
   * a blank name, no roles, or an unknown role or clearance; FORBIDDEN when a principal grants
   * a clearance above its own or a compartment it does not hold.
   */
  async create(input: NewToken, actor: Actor): Promise<{ token: TokenView; secret: string }> {
    const name = checkTokenName(input.name);
    const grant = checkGrant(input);
    checkGrantWithin(grant, actor);
    const { id, secret } = newTokenSecret();
    const row: TokenRow = {
      id,
      name,
      secret_hash: secretHash(secret),
      roles: JSON.stringify(grant.roles),
      clearance: grant.clearance,
      compartments: JSON.stringify(grant.compartments),
      created_ms: this.now(),
      revoked_ms: null,
    };
    await this.store.db.run(`INSERT INTO auth_tokens (${TOKEN_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [
      row.id,
      row.name,
      row.secret_hash,
      row.roles,
      row.clearance,
      row.compartments,
      row.created_ms,
      row.revoked_ms,
    ]);
    await this.#record(actorId(actor), { type: 'token.created', data: { token: id, name, ...grant } });
    return { token: tokenView(row), secret };
  }

  /** Every token, oldest first, revoked ones included. */
  async list(): Promise<TokenView[]> {
    const rows = await this.store.db.all<TokenRow>(
      `SELECT ${TOKEN_COLUMNS} FROM auth_tokens ORDER BY created_ms, id`,
    );
    return rows.map(tokenView);
  }

  /** Revokes a token from now on (no event when already revoked). Throws TOKEN_NOT_FOUND. */
  async revoke(id: string, actor: Actor): Promise<TokenView> {
    const row = await this.#row(id);
    if (row === undefined) throw new VigilError('TOKEN_NOT_FOUND', `no API token "${id}"`);
    if (row.revoked_ms !== null) return tokenView(row);
    const now = this.now();
    const revoked = await this.store.db.transaction((tx) =>
      tx.all('UPDATE auth_tokens SET revoked_ms = ? WHERE id = ? AND revoked_ms IS NULL RETURNING id', [
        now,
        id,
      ]),
    );
    this.#use.delete(id);
    this.#recent.delete(id);
    // None when another process revoked it meanwhile: that one tells.
    if (revoked.length > 0) await this.#record(actorId(actor), { type: 'token.revoked', data: { token: id } });
    return tokenView((await this.#row(id)) ?? row);
  }

  /**
   * The principal of a bearer secret; undefined for a malformed, unknown or revoked one.
   *
   * Use is recorded coarsely: at most one `token.used {token, requests}` event per token every
   * `useEventEveryMs`, appended with the first use after that interval and counting the
   * requests since the previous one. The counts live in this process's memory (a restart loses
   * the requests not yet told; each server process tells its own). Writes made with a token
   * need no such event: their events already carry the token id as their actor.
   */
  async authenticate(secret: string): Promise<Principal | undefined> {
    const id = typeof secret === 'string' ? tokenIdOf(secret) : undefined;
    if (id === undefined) return undefined;
    const row = await this.#recentRow(id);
    if (row === undefined || row.revoked_ms !== null || !sameHash(row.secret_hash, secretHash(secret))) {
      return undefined;
    }
    await this.#countUse(id);
    return principalOf(row);
  }

  /**
   * The principal of the live token `id` as it stands now; undefined once revoked (or for an
   * unknown id). Read like `authenticate` (the row at most TOKEN_RECHECK_MS old; a revocation
   * by this process at once) but not a use: no `token.used`. For what holds a token's
   * authentication open past one request (the event stream).
   */
  async current(id: string): Promise<Principal | undefined> {
    const row = await this.#recentRow(id);
    return row === undefined || row.revoked_ms !== null ? undefined : principalOf(row);
  }

  async #countUse(id: string): Promise<void> {
    const now = this.now();
    const use = this.#use.get(id) ?? { requests: 0, lastEventMs: -Infinity };
    this.#use.set(id, use);
    use.requests += 1;
    if (now - use.lastEventMs < this.useEventEveryMs) return;
    // Reset before the append, so concurrent requests do not tell the same requests twice.
    const requests = use.requests;
    use.requests = 0;
    use.lastEventMs = now;
    await this.#record(id, { type: 'token.used', data: { token: id, requests } });
  }

  #record(actor: string, event: AccountEvent): Promise<void> {
    return appendAccountEvents(this.store, actor, [event]);
  }

  /** The token's row as read at most TOKEN_RECHECK_MS ago. */
  async #recentRow(id: string): Promise<TokenRow | undefined> {
    const now = this.now();
    const recent = this.#recent.get(id);
    if (recent !== undefined && now - recent.readMs < TOKEN_RECHECK_MS && now >= recent.readMs) return recent.row;
    const row = await this.#row(id);
    if (row === undefined) return undefined;
    // Only real tokens are kept; bounded all the same.
    if (this.#recent.size >= 10_000) this.#recent.clear();
    this.#recent.set(id, { row, readMs: now });
    return row;
  }

  async #row(id: string): Promise<TokenRow | undefined> {
    const [row] = await this.store.db.all<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM auth_tokens WHERE id = ?`, [
      id,
    ]);
    return row;
  }
}

function principalOf(row: TokenRow): Principal {
  return {
    kind: 'token',
    id: row.id,
    name: row.name,
    roles: JSON.parse(row.roles) as Role[],
    clearance: row.clearance as Clearance,
    compartments: JSON.parse(row.compartments) as string[],
  };
}

function tokenView(row: TokenRow): TokenView {
  return {
    id: row.id,
    name: row.name,
    roles: JSON.parse(row.roles) as Role[],
    clearance: row.clearance as Clearance,
    compartments: JSON.parse(row.compartments) as string[],
    createdAt: new Date(row.created_ms).toISOString(),
    ...(row.revoked_ms === null ? {} : { revokedAt: new Date(row.revoked_ms).toISOString() }),
  };
}
