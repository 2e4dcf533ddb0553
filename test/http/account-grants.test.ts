/**
 * Nobody grants what they do not hold (README, Need-to-know: an admin sees reports "only as far
 * as its own clearance allows … this holds for admins too"): an admin creates no token and no
 * user with a clearance above its own or a compartment it does not hold, and resets the
 * password of no user cleared beyond it. Each refusal is 403 FORBIDDEN naming the field, writes
 * nothing but its `access.refused` event. The first admin (TOP SECRET) still sets up the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clearance } from '../../src/app/access.js';
import { Accounts } from '../../src/app/accounts.js';
import { Store } from '../../src/app/store.js';
import { buildApp } from '../../src/http/app.js';
import type { StoredEvent } from '../../src/log/event.js';
import { fakeClock } from '../app/stores.js';
import {
  PASSWORD,
  SQLITE,
  START,
  TINY_PROBLEM,
  startTestServer,
  tinyReport,
  type Caller,
  type TestServer,
} from './server-fixture.js';

let s: TestServer;
/** An admin cleared UNCLASSIFIED, and one cleared SECRET holding compartment K. */
let lowAdmin: Caller;
let kAdmin: Caller;

beforeAll(async () => {
  s = await startTestServer(SQLITE, { signInPerMinute: 1_000 });
  lowAdmin = await s.tokenWith('grants-low-admin', ['admin'], 'UNCLASSIFIED');
  kAdmin = await s.userWith('grants-k-admin', ['admin'], 'SECRET', ['K']);
});
afterAll(async () => {
  await s?.close();
});

const events = async (after: number): Promise<StoredEvent[]> => {
  const seen: StoredEvent[] = [];
  for await (const e of s.store.log.read({ from: after + 1 })) seen.push(e);
  return seen;
};

/** Asserts a 403 FORBIDDEN naming `path` whose message contains `message`, and that only the refusal was written. */
async function expectRefused(
  call: () => Promise<{ statusCode: number; body: string }>,
  path: string | undefined,
  message: string,
  action: string,
): Promise<void> {
  const head = await s.head();
  const response = await call();
  expect(response.statusCode, response.body).toBe(403);
  const error = (JSON.parse(response.body) as { error: { code: string; message: string; path?: string } })
    .error;
  expect(error.code).toBe('FORBIDDEN');
  expect(error.path).toBe(path);
  expect(error.message).toContain(message);
  // (A token's first use of the minute is a `token.used`, which is no change.)
  const written = (await events(head)).filter((e) => e.type !== 'token.used');
  expect(written.map((e) => [e.type, e.data.action])).toEqual([['access.refused', action]]);
}

describe('POST /api/v1/tokens', () => {
  const create = (caller: Caller, body: Record<string, unknown>) =>
    s.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: caller.headers,
      payload: { name: 'granted', roles: ['admin'], ...body },
    });

  it("refuses a clearance above the admin's own: an UNCLASSIFIED admin mints no TOP SECRET token", async () => {
    for (const clearance of ['CONFIDENTIAL', 'SECRET', 'TOP SECRET'])
      await expectRefused(
        () => create(lowAdmin, { clearance }),
        '/clearance',
        `above your own (UNCLASSIFIED)`,
        'token.create',
      );
    await expectRefused(
      () => create(kAdmin, { clearance: 'TOP SECRET' }),
      '/clearance',
      `clearance: TOP SECRET is above your own (SECRET)`,
      'token.create',
    );
  });

  it('refuses a compartment the admin does not hold', async () => {
    await expectRefused(
      () => create(lowAdmin, { compartments: ['ANY'] }),
      '/compartments',
      'compartments: you do not hold "ANY"',
      'token.create',
    );
    await expectRefused(
      () => create(kAdmin, { compartments: ['K', 'ORCHID'] }),
      '/compartments',
      'you do not hold "ORCHID"',
      'token.create',
    );
  });

  it("grants up to the admin's own clearance and compartments", async () => {
    expect((await create(lowAdmin, {})).statusCode).toBe(201);
    expect((await create(lowAdmin, { clearance: 'UNCLASSIFIED', compartments: [] })).statusCode).toBe(201);
    const granted = await create(kAdmin, { clearance: 'SECRET', compartments: ['K'] });
    expect(granted.statusCode, granted.body).toBe(201);
    expect(granted.json()).toMatchObject({ token: { clearance: 'SECRET', compartments: ['K'] } });
  });

  it('so a low admin cannot read a TOP SECRET report through a token of its own making', async () => {
    s.clock.set(s.clock.now().getTime() + 60_000);
    const analyst = await s.tokenWith('grants-analyst', ['analyst'], 'TOP SECRET');
    const posted = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports',
      headers: analyst.headers,
      payload: tinyReport('grants-ts-0042', s, { classification: 'TOP SECRET' }),
    });
    expect(posted.statusCode, posted.body).toBe(201);
    const minted = await create(lowAdmin, { clearance: 'TOP SECRET', compartments: ['ANY'] });
    expect(minted.statusCode).toBe(403);
    const list = await s.app.inject({
      method: 'GET',
      url: '/api/v1/problems/tiny/reports',
      headers: lowAdmin.headers,
    });
    expect(list.body).not.toContain('grants-ts-0042');
  });
});

describe('POST /api/v1/users', () => {
  let made = 0;
  const create = (caller: Caller, body: Record<string, unknown>) =>
    s.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: caller.headers,
      payload: { username: `granted-${++made}`, password: PASSWORD, roles: ['viewer'], ...body },
    });

  it("refuses a clearance above the admin's own, and a compartment it does not hold (a cookie admin too)", async () => {
    await expectRefused(
      () => create(lowAdmin, { clearance: 'SECRET' }),
      '/clearance',
      'clearance: SECRET is above your own (UNCLASSIFIED)',
      'user.create',
    );
    await expectRefused(
      () => create(kAdmin, { clearance: 'TOP SECRET' }),
      '/clearance',
      'above your own (SECRET)',
      'user.create',
    );
    await expectRefused(
      () => create(kAdmin, { clearance: 'SECRET', compartments: ['ORCHID'] }),
      '/compartments',
      'you do not hold "ORCHID"',
      'user.create',
    );
  });

  it("a grant that is malformed is still 400 first; one within the admin's own is 201", async () => {
    expect((await create(lowAdmin, { clearance: 'COSMIC' })).statusCode).toBe(400);
    const made = await create(kAdmin, { clearance: 'CONFIDENTIAL', compartments: ['K'] });
    expect(made.statusCode, made.body).toBe(201);
    expect((await create(lowAdmin, { roles: ['admin'] })).statusCode).toBe(201);
  });
});

describe('POST /api/v1/users/{name}/password and /disable', () => {
  const reset = (caller: Caller, username: string) =>
    s.app.inject({
      method: 'POST',
      url: `/api/v1/users/${username}/password`,
      headers: caller.headers,
      payload: {},
    });

  it('refuses to reset the password of a user cleared above the admin, or holding a compartment it does not', async () => {
    await s.accounts.createUser(
      { username: 'grants-ts-user', password: PASSWORD, roles: ['viewer'], clearance: 'TOP SECRET' },
      'test',
    );
    await s.accounts.createUser(
      {
        username: 'grants-orchid-user',
        password: PASSWORD,
        roles: ['viewer'],
        clearance: 'CONFIDENTIAL',
        compartments: ['ORCHID'],
      },
      'test',
    );
    await expectRefused(
      () => reset(kAdmin, 'grants-ts-user'),
      undefined,
      'clearance TOP SECRET, above your own (SECRET)',
      'user.password-reset',
    );
    await expectRefused(
      () => reset(kAdmin, 'grants-orchid-user'),
      undefined,
      'compartments you do not hold',
      'user.password-reset',
    );
    // Nor the password of a fellow admin cleared higher: the way to take over its rights.
    await expectRefused(
      () => reset(lowAdmin, 'grants-k-admin'),
      undefined,
      'above your own (UNCLASSIFIED)',
      'user.password-reset',
    );
    // The user's password is unchanged.
    const signIn = await s.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'grants-ts-user', password: PASSWORD },
    });
    expect(signIn.statusCode).toBe(200);
  });

  it('resets the password of a user cleared no higher; disables any user (that grants nothing)', async () => {
    await s.accounts.createUser(
      {
        username: 'grants-k-user',
        password: PASSWORD,
        roles: ['viewer'],
        clearance: 'SECRET',
        compartments: ['K'],
      },
      'test',
    );
    expect((await reset(kAdmin, 'grants-k-user')).statusCode).toBe(200);
    const disabled = await s.app.inject({
      method: 'POST',
      url: '/api/v1/users/grants-ts-user/disable',
      headers: lowAdmin.headers,
    });
    expect(disabled.statusCode, disabled.body).toBe(200);
  });

  it('an unknown user is still 404', async () => {
    expect((await reset(lowAdmin, 'grants-nobody')).statusCode).toBe(404);
  });
});

describe('the first admin', () => {
  it('bootstraps as before: TOP SECRET, it creates users and tokens up to TOP SECRET, but grants no compartment (the operator does, with vigil user add)', async () => {
    const fresh = await SQLITE.fresh();
    const clock = fakeClock(START);
    const store = await Store.open({ ...fresh.options, clock: clock.now });
    try {
      const accounts = await Accounts.open(store, { clock: clock.now });
      const first = await accounts.ensureAdmin(PASSWORD);
      expect(first).toEqual({ username: 'admin', password: PASSWORD, generated: false });
      const { app } = await buildApp({ store, accounts, clock: clock.now, logger: false });
      try {
        await store.defineProblem(TINY_PROBLEM, 'test');
        const signIn = await app.inject({
          method: 'POST',
          url: '/api/v1/session',
          payload: { username: 'admin', password: PASSWORD },
        });
        expect(signIn.statusCode).toBe(200);
        const cookie = signIn.cookies.find((c) => c.name === 'vigil_session')!;
        const headers = {
          cookie: `vigil_session=${cookie.value}`,
          'x-csrf-token': (signIn.json() as { csrfToken: string }).csrfToken,
        };
        for (const clearance of ['UNCLASSIFIED', 'SECRET', 'TOP SECRET'] as Clearance[]) {
          const user = await app.inject({
            method: 'POST',
            url: '/api/v1/users',
            headers,
            payload: {
              username: `first-${clearance.replace(' ', '-')}`,
              password: PASSWORD,
              roles: ['analyst'],
              clearance,
            },
          });
          expect(user.statusCode, user.body).toBe(201);
          const token = await app.inject({
            method: 'POST',
            url: '/api/v1/tokens',
            headers,
            payload: { name: `first ${clearance}`, roles: ['analyst'], clearance },
          });
          expect(token.statusCode, token.body).toBe(201);
        }
        const reset = await app.inject({
          method: 'POST',
          url: '/api/v1/users/first-TOP-SECRET/password',
          headers,
          payload: {},
        });
        expect(reset.statusCode).toBe(200);
        const compartment = await app.inject({
          method: 'POST',
          url: '/api/v1/users',
          headers,
          payload: { username: 'first-k', password: PASSWORD, roles: ['viewer'], compartments: ['K'] },
        });
        expect(compartment.statusCode).toBe(403);
        expect((compartment.json() as { error: { path: string } }).error.path).toBe('/compartments');
      } finally {
        await app.close();
      }
    } finally {
      await store.close();
      await fresh.dispose();
    }
  });
});
