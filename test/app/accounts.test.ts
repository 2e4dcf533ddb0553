/**
 * Accounts over both databases, on a fake clock: the first admin, user rules, one answer for
 * every failed sign-in, lockout per user name, session expiry (idle and absolute), sign-out,
 * disabling and password resets ending sessions, migrations; and the events of each action.
 * API tokens and the hunt for stored secrets are in api-tokens.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Accounts, type AccountsOptions } from '../../src/app/accounts.js';
import { ACCOUNTS_SCHEMA_VERSION } from '../../src/app/accounts-schema.js';
import { announceUnavailable, fakeClock, Store, STORES } from './stores.js';
import { accountEvents } from './account-fixtures.js';

/** Every password hash a sign-in checked against (the real check still runs). */
const checkedHashes = vi.hoisted(() => [] as string[]);
vi.mock('../../src/app/account-secrets.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/app/account-secrets.js')>();
  return {
    ...real,
    verifyPassword: async (hash: string, password: string) => {
      checkedHashes.push(hash);
      return real.verifyPassword(hash, password);
    },
  };
});

const T0 = Date.parse('2026-03-01T08:00:00Z');
const PASSWORD = 'correct horse battery';

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.runIf(fixture.unavailable === undefined)(`accounts on ${fixture.name}`, () => {
    let fresh: Awaited<ReturnType<typeof fixture.fresh>>;
    let store: Store;
    const clock = fakeClock(T0);
    const open = (options: AccountsOptions = {}) => Accounts.open(store, { clock: clock.now, ...options });
    beforeEach(async () => {
      clock.set(T0);
      fresh = await fixture.fresh();
      store = await Store.open(fresh.options);
    });
    afterEach(async () => {
      await store.close();
      await fresh.dispose();
    });

    it('creates the admin once, with a generated password or the one given', async () => {
      const accounts = await open();
      const admin = await accounts.ensureAdmin();
      expect(admin).toMatchObject({ username: 'admin', generated: true });
      expect(admin?.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(await accounts.ensureAdmin()).toBeUndefined();
      expect(await accounts.ensureAdmin('another password')).toBeUndefined();
      expect(await accounts.user('admin')).toMatchObject({ roles: ['admin'], clearance: 'TOP SECRET', compartments: [], disabled: false });
      const { session } = await accounts.signIn('admin', admin!.password);
      expect(session.principal).toMatchObject({ kind: 'user', name: 'admin', roles: ['admin'] });

      const other = await fixture.fresh();
      const second = await Store.open(other.options);
      try {
        const given = await Accounts.open(second, { clock: clock.now });
        await expect(given.ensureAdmin('short')).rejects.toMatchObject({ code: 'PASSWORD_WEAK' });
        expect(await given.ensureAdmin(PASSWORD)).toEqual({ username: 'admin', password: PASSWORD, generated: false });
        await expect(given.signIn('admin', PASSWORD)).resolves.toBeDefined();
      } finally {
        await second.close();
        await other.dispose();
      }
    });

    it('checks new users and normalizes their grants', async () => {
      const accounts = await open();
      const bad: [Record<string, unknown>, string, string?][] = [
        [{ username: '' }, 'REQUEST_INVALID', '/username'],
        [{ username: 'two words' }, 'REQUEST_INVALID', '/username'],
        [{ username: 'x'.repeat(65) }, 'REQUEST_INVALID', '/username'],
        [{ username: 'a/b' }, 'REQUEST_INVALID', '/username'],
        [{ password: 'elevenchars' }, 'PASSWORD_WEAK', '/password'],
        [{ roles: [] }, 'REQUEST_INVALID', '/roles'],
        [{ roles: ['analyst', 'wizard'] }, 'REQUEST_INVALID', '/roles/1'],
        [{ clearance: 'COSMIC' }, 'REQUEST_INVALID', '/clearance'],
        [{ compartments: ['ok', ''] }, 'REQUEST_INVALID', '/compartments/1'],
      ];
      for (const [change, code, path] of bad) {
        const input = { username: 'alice', password: PASSWORD, roles: ['analyst'], ...change } as never;
        await expect(accounts.createUser(input, 'admin-id'), JSON.stringify(change)).rejects.toMatchObject({ code, details: { path } });
      }
      const alice = await accounts.createUser({ username: 'alice.b@x-y_z', password: PASSWORD, roles: ['analyst', 'analyst'], compartments: ['ZETA', 'ALPHA', 'ZETA'] }, 'admin-id');
      expect(alice).toMatchObject({ username: 'alice.b@x-y_z', roles: ['analyst'], clearance: 'UNCLASSIFIED', compartments: ['ALPHA', 'ZETA'], disabled: false, createdAt: new Date(T0).toISOString() });
      await expect(accounts.createUser({ username: 'alice.b@x-y_z', password: PASSWORD, roles: ['viewer'] }, 'admin-id')).rejects.toMatchObject({ code: 'USER_EXISTS' });
      await accounts.createUser({ username: 'aaron', password: PASSWORD, roles: ['viewer'], clearance: 'SECRET' }, 'admin-id');
      expect((await accounts.listUsers()).map((u) => u.username)).toEqual(['aaron', 'alice.b@x-y_z']);
      expect(await accounts.user('nobody')).toBeUndefined();
      expect(await accounts.user('not a name')).toBeUndefined();
      const created = (await accountEvents(store)).filter((e) => e.type === 'user.created');
      expect(created).toEqual([
        { type: 'user.created', actor: 'admin-id', data: { user: alice.id, username: 'alice.b@x-y_z', roles: ['analyst'], clearance: 'UNCLASSIFIED', compartments: ['ALPHA', 'ZETA'] } },
        expect.objectContaining({ type: 'user.created', actor: 'admin-id' }),
      ]);
    });

    it('gives one answer for an unknown user, a wrong password and a disabled user', async () => {
      const accounts = await open();
      const bob = await accounts.createUser({ username: 'bob', password: PASSWORD, roles: ['analyst'], clearance: 'SECRET', compartments: ['K'] }, 'admin-id');
      await accounts.createUser({ username: 'carol', password: PASSWORD, roles: ['viewer'] }, 'admin-id');
      await accounts.disableUser('carol', 'admin-id');
      const failures = [await failure(accounts.signIn('nobody', PASSWORD)), await failure(accounts.signIn('bob', 'wrong password!')), await failure(accounts.signIn('carol', PASSWORD))];
      for (const error of failures) expect(error).toMatchObject({ code: 'AUTH_FAILED', message: 'wrong user name or password', details: undefined });
      await expect(accounts.signIn('not a name', PASSWORD)).rejects.toMatchObject({ code: 'AUTH_FAILED' });

      const { session, secret } = await accounts.signIn('bob', PASSWORD);
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(session).toMatchObject({ principal: { kind: 'user', id: bob.id, name: 'bob', roles: ['analyst'], clearance: 'SECRET', compartments: ['K'] }, expiresAt: T0 + 8 * 3_600_000 });
      expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await accounts.authenticateSession(secret)).toEqual(session);

      const events = (await accountEvents(store)).filter((e) => e.type.startsWith('session.'));
      expect(events).toEqual([
        { type: 'session.refused', actor: 'anonymous', data: { username: 'nobody', reason: 'bad-credentials' } },
        { type: 'session.refused', actor: 'anonymous', data: { username: 'bob', reason: 'bad-credentials' } },
        { type: 'session.refused', actor: 'anonymous', data: { username: 'carol', reason: 'disabled' } },
        { type: 'session.started', actor: bob.id, data: { user: bob.id, session: session.sessionId } },
      ]);
    });

    it('does the same argon2id work for an unknown user as for a wrong password', async () => {
      const accounts = await open({ maxFailures: 100 });
      await accounts.createUser({ username: 'bob', password: PASSWORD, roles: ['viewer'] }, 'admin-id');
      const argon2id = (hash: string) => /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$/.test(hash);
      checkedHashes.length = 0;
      await failure(accounts.signIn('bob', 'wrong password!'));
      const [bobs] = checkedHashes.splice(0);
      await failure(accounts.signIn('nobody', 'wrong password!'));
      await failure(accounts.signIn('nobody-else', 'wrong password!'));
      const unknown = checkedHashes.splice(0);
      // One verification each, against a hash of the same kind and cost as a real user's.
      expect(unknown).toHaveLength(2);
      expect(unknown.every(argon2id)).toBe(true);
      expect(argon2id(bobs!)).toBe(true);
      expect(unknown[0]!.split('$')[3]).toBe(bobs!.split('$')[3]);
    });

    it('locks a user name after consecutive failures, known or not, until the lockout ends', async () => {
      const accounts = await open({ maxFailures: 3, lockoutMs: 60_000 });
      await accounts.createUser({ username: 'bob', password: PASSWORD, roles: ['viewer'] }, 'admin-id');
      // A success clears the count.
      for (let k = 0; k < 2; k++) await failure(accounts.signIn('bob', 'wrong password!'));
      await accounts.signIn('bob', PASSWORD);
      for (let k = 0; k < 2; k++) await failure(accounts.signIn('bob', 'wrong password!'));
      await accounts.signIn('bob', PASSWORD);

      for (const name of ['bob', 'nobody']) {
        for (let k = 0; k < 3; k++) expect(await failure(accounts.signIn(name, 'wrong password!'))).toMatchObject({ code: 'AUTH_FAILED' });
        clock.set(T0 + 1_500);
        const locked = await failure(accounts.signIn(name, PASSWORD));
        expect(locked).toMatchObject({ code: 'SIGN_IN_LOCKED', message: `too many failed sign-ins; try again after ${new Date(T0 + 60_000).toISOString()}`, details: { retryAfterSeconds: 59 } });
        clock.set(T0 + 59_999);
        expect(await failure(accounts.signIn(name, PASSWORD))).toMatchObject({ code: 'SIGN_IN_LOCKED', details: { retryAfterSeconds: 1 } });
        clock.set(T0 + 60_000);
        // The lockout is over and the count starts again.
        if (name === 'bob') await expect(accounts.signIn('bob', PASSWORD)).resolves.toBeDefined();
        else expect(await failure(accounts.signIn(name, PASSWORD))).toMatchObject({ code: 'AUTH_FAILED' });
        clock.set(T0);
      }
      const refused = (await accountEvents(store)).filter((e) => e.type === 'session.refused').map((e) => `${String(e.data.username)}:${String(e.data.reason)}`);
      expect(refused.filter((r) => r.endsWith(':locked'))).toEqual(['bob:locked', 'bob:locked', 'nobody:locked', 'nobody:locked']);
    });

    it('ends a session when idle too long, and at its maximum age however used', async () => {
      const accounts = await open({ sessionIdleMs: 1_000, sessionMaxMs: 5_000 });
      const bob = await accounts.createUser({ username: 'bob', password: PASSWORD, roles: ['viewer'] }, 'admin-id');
      const busy = await accounts.signIn('bob', PASSWORD);
      const idle = await accounts.signIn('bob', PASSWORD);
      for (let t = 900; t < 5_000; t += 900) {
        clock.set(T0 + t);
        expect((await accounts.authenticateSession(busy.secret))?.expiresAt, `at +${t}`).toBe(T0 + Math.min(t + 1_000, 5_000));
      }
      expect(await accounts.authenticateSession(idle.secret)).toBeUndefined();
      clock.set(T0 + 5_000);
      expect(await accounts.authenticateSession(busy.secret)).toBeUndefined();
      const ended = (await accountEvents(store)).filter((e) => e.type === 'session.ended');
      expect(ended).toEqual([
        { type: 'session.ended', actor: 'system', data: { user: bob.id, session: idle.session.sessionId, reason: 'expired' } },
        { type: 'session.ended', actor: 'system', data: { user: bob.id, session: busy.session.sessionId, reason: 'expired' } },
      ]);
      expect(await store.db.all('SELECT id FROM auth_sessions')).toEqual([]);
    });

    it('signs out, once', async () => {
      const accounts = await open();
      const bob = await accounts.createUser({ username: 'bob', password: PASSWORD, roles: ['viewer'] }, 'admin-id');
      const { session, secret } = await accounts.signIn('bob', PASSWORD);
      await accounts.signOut(secret);
      await accounts.signOut(secret);
      await accounts.signOut('not a secret');
      expect(await accounts.authenticateSession(secret)).toBeUndefined();
      for (const malformed of ['', 'x', secret.slice(1), `${secret}=`]) expect(await accounts.authenticateSession(malformed)).toBeUndefined();
      const ended = (await accountEvents(store)).filter((e) => e.type === 'session.ended');
      expect(ended).toEqual([{ type: 'session.ended', actor: bob.id, data: { user: bob.id, session: session.sessionId, reason: 'signed-out' } }]);
    });

    it('ends the sessions of a user disabled, or whose password is reset', async () => {
      const accounts = await open({ maxFailures: 2 });
      const bob = await accounts.createUser({ username: 'bob', password: PASSWORD, roles: ['viewer'] }, 'admin-id');
      const carol = await accounts.createUser({ username: 'carol', password: PASSWORD, roles: ['viewer'] }, 'admin-id');
      const bobs = await accounts.signIn('bob', PASSWORD);
      const carols = await accounts.signIn('carol', PASSWORD);

      expect(await accounts.disableUser('bob', 'admin-id')).toMatchObject({ username: 'bob', disabled: true });
      expect(await accounts.disableUser('bob', 'admin-id')).toMatchObject({ disabled: true });
      expect(await accounts.authenticateSession(bobs.secret)).toBeUndefined();
      await expect(accounts.signIn('bob', PASSWORD)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      await expect(accounts.disableUser('nobody', 'admin-id')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });

      for (let k = 0; k < 2; k++) await failure(accounts.signIn('carol', 'wrong password!'));
      await expect(accounts.signIn('carol', PASSWORD)).rejects.toMatchObject({ code: 'SIGN_IN_LOCKED' });
      await expect(accounts.resetPassword('carol', 'short', 'admin-id')).rejects.toMatchObject({ code: 'PASSWORD_WEAK' });
      await expect(accounts.resetPassword('nobody', undefined, 'admin-id')).rejects.toMatchObject({ code: 'USER_NOT_FOUND' });
      const reset = await accounts.resetPassword('carol', undefined, 'admin-id');
      expect(reset).toMatchObject({ user: { username: 'carol' }, generated: true });
      expect(reset.password).toMatch(/^[A-Za-z0-9_-]{20}$/);
      expect(await accounts.authenticateSession(carols.secret)).toBeUndefined();
      await expect(accounts.signIn('carol', PASSWORD)).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      await expect(accounts.signIn('carol', reset.password)).resolves.toBeDefined();
      expect(await accounts.resetPassword('carol', 'a chosen password', 'admin-id')).toMatchObject({ password: 'a chosen password', generated: false });

      const changes = (await accountEvents(store)).filter((e) => e.type === 'user.disabled' || e.type === 'user.password-reset');
      expect(changes).toEqual([
        { type: 'user.disabled', actor: 'admin-id', data: { user: bob.id } },
        { type: 'user.password-reset', actor: 'admin-id', data: { user: carol.id } },
        { type: 'user.password-reset', actor: 'admin-id', data: { user: carol.id } },
      ]);
    });

    it('migrates once, keeps the accounts, and refuses tables of a newer version', async () => {
      const accounts = await open();
      await accounts.createUser({ username: 'bob', password: PASSWORD, roles: ['viewer'] }, 'admin-id');
      const again = await open();
      expect((await again.listUsers()).map((u) => u.username)).toEqual(['bob']);
      expect(await store.db.all("SELECT value FROM auth_meta WHERE name = 'schema'")).toEqual([{ value: String(ACCOUNTS_SCHEMA_VERSION) }]);
      await store.db.run("UPDATE auth_meta SET value = '99' WHERE name = 'schema'");
      await expect(open()).rejects.toMatchObject({ code: 'LOG_UNAVAILABLE' });
    });
  });
}

/** The error a promise rejects with (the test fails if it resolves). */
async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
