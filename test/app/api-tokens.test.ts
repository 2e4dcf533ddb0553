/**
 * API tokens over both databases: created, authenticated, revoked, malformed secrets refused;
 * `token.used` at most once a minute; and no password, secret or hash of one anywhere it must
 * not be: not in any event, and no secret in any table (nor, on SQLite, in the database files).
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/app/accounts.js';
import { TOKEN_RECHECK_MS } from '../../src/app/api-tokens.js';
import { sqliteDatabasePath } from '../../src/log/sqlite-event-log.js';
import { accountEvents } from './account-fixtures.js';
import { announceUnavailable, fakeClock, Store, STORES } from './stores.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const PASSWORD = 'correct horse battery';
const TABLES = ['auth_meta', 'auth_users', 'auth_tokens', 'auth_sessions', 'auth_failures'];

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.runIf(fixture.unavailable === undefined)(`API tokens on ${fixture.name}`, () => {
    let fresh: Awaited<ReturnType<typeof fixture.fresh>>;
    let store: Store;
    let accounts: Accounts;
    const clock = fakeClock(T0);
    beforeEach(async () => {
      clock.set(T0);
      fresh = await fixture.fresh();
      store = await Store.open(fresh.options);
      accounts = await Accounts.open(store, { clock: clock.now });
    });
    afterEach(async () => {
      await store.close();
      await fresh.dispose();
    });

    it('authenticates a token until it is revoked', async () => {
      const { token, secret } = await accounts.createToken({ name: 'sensor feed', roles: ['analyst'], compartments: ['K', 'K'] }, 'admin-id');
      expect(token).toEqual({ id: token.id, name: 'sensor feed', roles: ['analyst'], clearance: 'UNCLASSIFIED', compartments: ['K'], createdAt: new Date(T0).toISOString() });
      expect(secret).toMatch(new RegExp(`^vigil_${token.id.replaceAll('-', '')}_[A-Za-z0-9_-]{43}$`));
      expect(await accounts.authenticateToken(secret)).toEqual({ kind: 'token', id: token.id, name: 'sensor feed', roles: ['analyst'], clearance: 'UNCLASSIFIED', compartments: ['K'] });
      expect(await accounts.listTokens()).toEqual([token]);

      clock.set(T0 + 1_000);
      const revoked = await accounts.revokeToken(token.id, 'admin-id');
      expect(revoked).toEqual({ ...token, revokedAt: new Date(T0 + 1_000).toISOString() });
      expect(await accounts.revokeToken(token.id, 'admin-id')).toEqual(revoked);
      expect(await accounts.authenticateToken(secret)).toBeUndefined();
      expect(await accounts.listTokens()).toEqual([revoked]);
      await expect(accounts.revokeToken('no-such-token', 'admin-id')).rejects.toMatchObject({ code: 'TOKEN_NOT_FOUND' });

      const events = await accountEvents(store);
      expect(events).toEqual([
        { type: 'token.created', actor: 'admin-id', data: { token: token.id, name: 'sensor feed', roles: ['analyst'], clearance: 'UNCLASSIFIED', compartments: ['K'] } },
        { type: 'token.used', actor: token.id, data: { token: token.id, requests: 1 } },
        { type: 'token.revoked', actor: 'admin-id', data: { token: token.id } },
      ]);
    });

    it('honours a revocation made by another server process within TOKEN_RECHECK_MS', async () => {
      const { token, secret } = await accounts.createToken({ name: 'feed', roles: ['analyst'] }, 'admin-id');
      expect(await accounts.authenticateToken(secret)).toMatchObject({ id: token.id });
      // Another process on the same store (its own Accounts, its own memory) revokes it.
      const other = await Accounts.open(store, { clock: clock.now });
      await other.revokeToken(token.id, 'admin-id');
      expect(await other.authenticateToken(secret)).toBeUndefined();
      clock.set(T0 + TOKEN_RECHECK_MS);
      expect(await accounts.authenticateToken(secret)).toBeUndefined();
    });

    it('refuses malformed and forged secrets, and bad tokens', async () => {
      const { token, secret } = await accounts.createToken({ name: 'feed', roles: ['viewer'], clearance: 'SECRET' }, 'admin-id');
      const random = secret.slice(-43);
      const forged = [
        '',
        'vigil_',
        secret.toUpperCase(),
        `${secret}x`,
        secret.slice(0, -1),
        ` ${secret}`,
        secret.replace(random, random.startsWith('A') ? 'B' + random.slice(1) : 'A' + random.slice(1)),
        `vigil_${'0'.repeat(32)}_${random}`,
        `vigil_${token.id}_${random}`,
      ];
      for (const attempt of forged) expect(await accounts.authenticateToken(attempt), attempt).toBeUndefined();
      expect(await accounts.authenticateToken(secret)).toMatchObject({ clearance: 'SECRET' });
      await expect(accounts.createToken({ name: ' ', roles: ['viewer'] }, 'admin-id')).rejects.toMatchObject({ code: 'REQUEST_INVALID', details: { path: '/name' } });
      await expect(accounts.createToken({ name: 'x', roles: [] }, 'admin-id')).rejects.toMatchObject({ code: 'REQUEST_INVALID', details: { path: '/roles' } });
    });

    it('tells of token use at most once a minute, counting the requests between', async () => {
      const { token, secret } = await accounts.createToken({ name: 'feed', roles: ['analyst'] }, 'admin-id');
      const other = await accounts.createToken({ name: 'other', roles: ['viewer'] }, 'admin-id');
      const use = async (at: number, times: number, which = secret) => {
        clock.set(T0 + at);
        for (let k = 0; k < times; k++) expect(await accounts.authenticateToken(which)).toBeDefined();
      };
      await use(0, 3);
      await use(0, 1, other.secret);
      await use(30_000, 2);
      await use(59_999, 1);
      await use(60_000, 1);
      await use(90_000, 4);
      await use(200_000, 1);
      const used = (await accountEvents(store)).filter((e) => e.type === 'token.used');
      expect(used).toEqual([
        { type: 'token.used', actor: token.id, data: { token: token.id, requests: 1 } },
        { type: 'token.used', actor: other.token.id, data: { token: other.token.id, requests: 1 } },
        { type: 'token.used', actor: token.id, data: { token: token.id, requests: 6 } },
        { type: 'token.used', actor: token.id, data: { token: token.id, requests: 5 } },
      ]);
    });

    it('keeps no password or secret in the tables or the log, and no hash in the log', async () => {
      const admin = await accounts.ensureAdmin();
      await accounts.createUser({ username: 'bob', password: PASSWORD, roles: ['analyst'] }, 'admin-id');
      const signedIn = await accounts.signIn('bob', PASSWORD);
      await expect(accounts.signIn('bob', 'a wrong password')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      const { token, secret } = await accounts.createToken({ name: 'feed', roles: ['analyst'] }, 'admin-id');
      await accounts.authenticateToken(secret);
      const reset = await accounts.resetPassword('bob', undefined, 'admin-id');
      await accounts.revokeToken(token.id, 'admin-id');

      const secrets = { admin: admin!.password, bob: PASSWORD, reset: reset.password, session: signedIn.secret, token: secret, tokenRandom: secret.slice(-43) };
      const tables: string[] = [];
      for (const table of TABLES) tables.push(JSON.stringify(await store.db.all(`SELECT * FROM ${table}`)));
      const tableText = tables.join('\n');
      const logText: string[] = [];
      for await (const page of store.log.readRecords()) logText.push(JSON.stringify(page));
      const log = logText.join('\n');
      for (const [name, value] of Object.entries(secrets)) {
        expect(tableText.includes(value), `${name} in a table`).toBe(false);
        expect(log.includes(value), `${name} in the log`).toBe(false);
      }
      // What the tables keep in place of secrets, and the CSRF token, never reach the log.
      const hashes = (await store.db.all<{ h: string }>('SELECT password_hash AS h FROM auth_users UNION ALL SELECT secret_hash AS h FROM auth_tokens'))
        .map((r) => r.h)
        .concat(signedIn.session.csrfToken);
      expect(hashes).toHaveLength(4);
      for (const value of hashes) expect(log.includes(value), value).toBe(false);
      expect(log).not.toContain('$argon2');
      const keys = (await accountEvents(store)).flatMap((e) => Object.keys(e.data));
      expect(keys.filter((k) => /password|secret|hash|csrf/i.test(k))).toEqual([]);

      if (fixture.name === 'sqlite') {
        const path = sqliteDatabasePath(fresh.options.dataDir!);
        const files = [path, `${path}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1'));
        expect(files.length).toBeGreaterThan(0);
        for (const [name, value] of Object.entries(secrets)) expect(files.some((bytes) => bytes.includes(value)), `${name} in the database files`).toBe(false);
      }
    });
  });
}
