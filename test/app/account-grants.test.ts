/**
 * What an actor may grant, over both databases: a principal (an admin over HTTP) no clearance
 * above its own and no compartment it does not hold, to a token or a new user, and no password
 * reset of a user cleared beyond it; an operator (`cli`, `system`: whoever holds the store) is
 * bounded by nothing. The events name the principal by its id, as before.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Clearance, Principal } from '../../src/app/access.js';
import { checkGrantWithin, checkTakeoverWithin } from '../../src/app/account-rules.js';
import { Accounts } from '../../src/app/accounts.js';
import { accountEvents } from './account-fixtures.js';
import { announceUnavailable, fakeClock, Store, STORES } from './stores.js';

const T0 = Date.parse('2026-03-01T08:00:00Z');
const PASSWORD = 'correct horse battery';

const admin = (clearance: Clearance, compartments: string[] = []): Principal => ({
  kind: 'user',
  id: `admin-${clearance}-${compartments.join('-')}`,
  name: 'an admin',
  roles: ['admin'],
  clearance,
  compartments,
});

describe('checkGrantWithin and checkTakeoverWithin', () => {
  const cases: {
    holder: Principal;
    grant: { clearance: Clearance; compartments: string[] };
    refused?: string;
  }[] = [
    { holder: admin('UNCLASSIFIED'), grant: { clearance: 'UNCLASSIFIED', compartments: [] } },
    {
      holder: admin('UNCLASSIFIED'),
      grant: { clearance: 'CONFIDENTIAL', compartments: [] },
      refused: '/clearance',
    },
    { holder: admin('SECRET'), grant: { clearance: 'CONFIDENTIAL', compartments: [] } },
    { holder: admin('SECRET'), grant: { clearance: 'SECRET', compartments: [] } },
    { holder: admin('SECRET'), grant: { clearance: 'TOP SECRET', compartments: [] }, refused: '/clearance' },
    {
      holder: admin('TOP SECRET'),
      grant: { clearance: 'TOP SECRET', compartments: ['K'] },
      refused: '/compartments',
    },
    { holder: admin('TOP SECRET', ['J', 'K']), grant: { clearance: 'SECRET', compartments: ['K'] } },
    { holder: admin('TOP SECRET', ['J', 'K']), grant: { clearance: 'SECRET', compartments: ['J', 'K'] } },
    {
      holder: admin('TOP SECRET', ['K']),
      grant: { clearance: 'SECRET', compartments: ['J', 'K'] },
      refused: '/compartments',
    },
    // The clearance is named first when both are beyond.
    {
      holder: admin('CONFIDENTIAL'),
      grant: { clearance: 'SECRET', compartments: ['K'] },
      refused: '/clearance',
    },
  ];
  for (const { holder, grant, refused } of cases) {
    it(`${holder.clearance} [${holder.compartments.join(',')}] ${refused === undefined ? 'may' : 'may not'} grant ${grant.clearance} [${grant.compartments.join(',')}]`, () => {
      if (refused === undefined) {
        expect(() => checkGrantWithin(grant, holder)).not.toThrow();
        expect(() => checkTakeoverWithin('bob', grant, holder)).not.toThrow();
      } else {
        expect(() => checkGrantWithin(grant, holder)).toThrow(
          expect.objectContaining({ code: 'FORBIDDEN', details: { path: refused } }),
        );
        expect(() => checkTakeoverWithin('bob', grant, holder)).toThrow(
          expect.objectContaining({ code: 'FORBIDDEN' }),
        );
      }
      // An operator is bounded by nothing.
      expect(() => checkGrantWithin(grant, 'cli')).not.toThrow();
      expect(() => checkTakeoverWithin('bob', grant, 'cli')).not.toThrow();
    });
  }
});

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.runIf(fixture.unavailable === undefined)(`grants on ${fixture.name}`, () => {
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

    it('a principal grants a token or a user no more than it holds; nothing is written when it is refused', async () => {
      const low = admin('SECRET', ['K']);
      await expect(
        accounts.createToken({ name: 'ts', roles: ['viewer'], clearance: 'TOP SECRET' }, low),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: 'clearance: TOP SECRET is above your own (SECRET)',
        details: { path: '/clearance' },
      });
      await expect(
        accounts.createToken({ name: 'j', roles: ['viewer'], compartments: ['J', 'K'] }, low),
      ).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: 'compartments: you do not hold "J"',
        details: { path: '/compartments' },
      });
      await expect(
        accounts.createUser(
          { username: 'ts', password: PASSWORD, roles: ['viewer'], clearance: 'TOP SECRET' },
          low,
        ),
      ).rejects.toMatchObject({ code: 'FORBIDDEN', details: { path: '/clearance' } });
      await expect(
        accounts.createUser(
          { username: 'j', password: PASSWORD, roles: ['viewer'], compartments: ['J'] },
          low,
        ),
      ).rejects.toMatchObject({ code: 'FORBIDDEN', details: { path: '/compartments' } });
      expect(await accounts.listTokens()).toEqual([]);
      expect(await accounts.listUsers()).toEqual([]);
      expect(await accountEvents(store)).toEqual([]);

      const { token } = await accounts.createToken(
        { name: 'k', roles: ['admin'], clearance: 'SECRET', compartments: ['K'] },
        low,
      );
      const user = await accounts.createUser(
        {
          username: 'k',
          password: PASSWORD,
          roles: ['viewer'],
          clearance: 'CONFIDENTIAL',
          compartments: ['K'],
        },
        low,
      );
      expect((await accountEvents(store)).map((e) => [e.type, e.actor])).toEqual([
        ['token.created', low.id],
        ['user.created', low.id],
      ]);
      await accounts.revokeToken(token.id, low);
      await accounts.disableUser(user.username, low);
      expect((await accountEvents(store)).slice(2).map((e) => [e.type, e.actor])).toEqual([
        ['token.revoked', low.id],
        ['user.disabled', low.id],
      ]);
    });

    it('a principal resets the password of no user cleared beyond it; the password and sessions stay', async () => {
      await accounts.createUser(
        { username: 'ts', password: PASSWORD, roles: ['viewer'], clearance: 'TOP SECRET' },
        'cli',
      );
      await accounts.createUser(
        { username: 'orchid', password: PASSWORD, roles: ['viewer'], compartments: ['ORCHID'] },
        'cli',
      );
      const signedIn = await accounts.signIn('ts', PASSWORD);
      const low = admin('SECRET');
      await expect(accounts.resetPassword('ts', 'a chosen password', low)).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringContaining('clearance TOP SECRET, above your own (SECRET)'),
      });
      await expect(accounts.resetPassword('orchid', undefined, low)).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: expect.stringContaining('compartments you do not hold'),
      });
      expect(await accounts.authenticateSession(signedIn.secret)).toBeDefined();
      await expect(accounts.signIn('ts', 'a chosen password')).rejects.toMatchObject({ code: 'AUTH_FAILED' });
      expect((await accountEvents(store)).filter((e) => e.type === 'user.password-reset')).toEqual([]);

      const high = admin('TOP SECRET', ['ORCHID']);
      expect(await accounts.resetPassword('ts', 'a chosen password', high)).toMatchObject({
        user: { username: 'ts' },
        generated: false,
      });
      expect(await accounts.resetPassword('orchid', undefined, high)).toMatchObject({
        user: { username: 'orchid' },
        generated: true,
      });
    });

    it('the operator (vigil user, actor "cli") and the first admin are bounded by nothing', async () => {
      const first = await accounts.ensureAdmin();
      expect((await accounts.user('admin'))?.clearance).toBe('TOP SECRET');
      expect(first?.generated).toBe(true);
      const user = await accounts.createUser(
        {
          username: 'k',
          password: PASSWORD,
          roles: ['admin'],
          clearance: 'TOP SECRET',
          compartments: ['K', 'ORCHID'],
        },
        'cli',
      );
      expect(user).toMatchObject({ clearance: 'TOP SECRET', compartments: ['K', 'ORCHID'] });
      expect(await accounts.resetPassword('k', undefined, 'cli')).toMatchObject({ generated: true });
      const { token } = await accounts.createToken(
        { name: 'ts', roles: ['viewer'], clearance: 'TOP SECRET', compartments: ['K'] },
        'system',
      );
      expect(token).toMatchObject({ clearance: 'TOP SECRET', compartments: ['K'] });
    });
  });
}
