/**
 * Checking a credential again while something (the event stream) holds it open, over both
 * databases: `tokenPrincipal` and `sessionPrincipal` answer the principal as it stands now,
 * undefined once the token is revoked or the session has ended for any reason, and are not a
 * use: no `token.used`, and the session's idle time runs on.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '../../src/app/accounts.js';
import { TOKEN_RECHECK_MS } from '../../src/app/api-tokens.js';
import { accountEvents } from './account-fixtures.js';
import { announceUnavailable, fakeClock, Store, STORES } from './stores.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const PASSWORD = 'correct horse battery';
const IDLE_MS = 10_000;

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.runIf(fixture.unavailable === undefined)(`credentials checked again on ${fixture.name}`, () => {
    let fresh: Awaited<ReturnType<typeof fixture.fresh>>;
    let store: Store;
    let accounts: Accounts;
    const clock = fakeClock(T0);
    beforeEach(async () => {
      clock.set(T0);
      fresh = await fixture.fresh();
      store = await Store.open(fresh.options);
      accounts = await Accounts.open(store, {
        clock: clock.now,
        sessionIdleMs: IDLE_MS,
        sessionMaxMs: 10 * IDLE_MS,
      });
    });
    afterEach(async () => {
      await store.close();
      await fresh.dispose();
    });

    it('tokenPrincipal: the principal until revoked, never counted as a use', async () => {
      const { token } = await accounts.createToken(
        { name: 'feed', roles: ['viewer'], clearance: 'SECRET', compartments: ['K'] },
        'cli',
      );
      const principal = {
        kind: 'token',
        id: token.id,
        name: 'feed',
        roles: ['viewer'],
        clearance: 'SECRET',
        compartments: ['K'],
      };
      for (let k = 0; k < 3; k++) expect(await accounts.tokenPrincipal(token.id)).toEqual(principal);
      expect(await accounts.tokenPrincipal('no-such-token')).toBeUndefined();
      await accounts.revokeToken(token.id, 'cli');
      expect(await accounts.tokenPrincipal(token.id)).toBeUndefined();
      expect((await accountEvents(store)).map((e) => e.type)).toEqual(['token.created', 'token.revoked']);
    });

    it('tokenPrincipal: a revocation by another process is seen within TOKEN_RECHECK_MS', async () => {
      const { token } = await accounts.createToken({ name: 'feed', roles: ['viewer'] }, 'cli');
      expect(await accounts.tokenPrincipal(token.id)).toBeDefined();
      const other = await Accounts.open(store, { clock: clock.now });
      await other.revokeToken(token.id, 'cli');
      clock.set(T0 + TOKEN_RECHECK_MS);
      expect(await accounts.tokenPrincipal(token.id)).toBeUndefined();
    });

    it('sessionPrincipal: the principal from the user row now, undefined once signed out', async () => {
      const bob = await accounts.createUser(
        { username: 'bob', password: PASSWORD, roles: ['viewer'], clearance: 'SECRET' },
        'cli',
      );
      const { session, secret } = await accounts.signIn('bob', PASSWORD);
      expect(await accounts.sessionPrincipal(session.sessionId)).toEqual(session.principal);
      await store.db.run("UPDATE auth_users SET clearance = 'CONFIDENTIAL' WHERE id = ?", [bob.id]);
      expect(await accounts.sessionPrincipal(session.sessionId)).toMatchObject({
        id: bob.id,
        clearance: 'CONFIDENTIAL',
      });
      // The secret is not an id.
      expect(await accounts.sessionPrincipal(secret)).toBeUndefined();
      await accounts.signOut(secret);
      expect(await accounts.sessionPrincipal(session.sessionId)).toBeUndefined();
    });

    it('sessionPrincipal: undefined once the user is disabled or their password reset', async () => {
      await accounts.createUser({ username: 'bob', password: PASSWORD, roles: ['viewer'] }, 'cli');
      await accounts.createUser({ username: 'carol', password: PASSWORD, roles: ['viewer'] }, 'cli');
      const bobs = await accounts.signIn('bob', PASSWORD);
      const carols = await accounts.signIn('carol', PASSWORD);
      await accounts.disableUser('bob', 'cli');
      await accounts.resetPassword('carol', undefined, 'cli');
      expect(await accounts.sessionPrincipal(bobs.session.sessionId)).toBeUndefined();
      expect(await accounts.sessionPrincipal(carols.session.sessionId)).toBeUndefined();
    });

    it('sessionPrincipal is not a use: the session expires idle however often it is checked, and is ended then', async () => {
      const bob = await accounts.createUser(
        { username: 'bob', password: PASSWORD, roles: ['viewer'] },
        'cli',
      );
      const { session, secret } = await accounts.signIn('bob', PASSWORD);
      for (let t = 1_000; t < IDLE_MS; t += 1_000) {
        clock.set(T0 + t);
        expect(await accounts.sessionPrincipal(session.sessionId), `at +${t}`).toBeDefined();
      }
      clock.set(T0 + IDLE_MS);
      expect(await accounts.sessionPrincipal(session.sessionId)).toBeUndefined();
      expect(await accounts.authenticateSession(secret)).toBeUndefined();
      expect((await accountEvents(store)).filter((e) => e.type === 'session.ended')).toEqual([
        {
          type: 'session.ended',
          actor: 'system',
          data: { user: bob.id, session: session.sessionId, reason: 'expired' },
        },
      ]);
    });
  });
}
