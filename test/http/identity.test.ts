/**
 * Identity over HTTP (api.md, Identity): sign-in and its cookie, lockout and rate limits, the
 * session, sign-out, CSRF on cookie-authenticated changes, users and API tokens, and the
 * events all of it leaves in the log, which never hold a password or a secret.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../src/app/access.js';
import { buildApp, type AppOptions } from '../../src/http/app.js';
import type { App } from '../../src/http/context.js';
import type { StoredEvent } from '../../src/log/event.js';
import { PASSWORD, TINY_PROBLEM, startTestServer, tinyReport, type TestServer } from './server-fixture.js';

let s: TestServer;

/** Every secret this file has seen on the wire: none may ever appear in the log. */
const secrets = new Set<string>([PASSWORD]);

beforeAll(async () => {
  s = await startTestServer(undefined, { signInPerMinute: 10_000 });
  for (const caller of [...Object.values(s.users), ...Object.values(s.tokens)]) {
    for (const value of Object.values(caller.headers))
      secrets.add(value.replace(/^Bearer |^vigil_session=/, ''));
  }
});

afterAll(async () => {
  await s.close();
});

/** Asserts the error shape of api.md: `{"error": {"code", "message", "path"?}}` and nothing else at the top. */
function expectError(response: LightMyRequestResponse, status: number, code: string, path?: string): void {
  expect({ status: response.statusCode, body: response.body }).toMatchObject({ status });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json() as { error: { code: string; message: string; path?: string } };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (path !== undefined) expect(body.error.path).toBe(path);
}

async function signIn(
  username: string,
  password: string,
  app: App = s.app,
  remoteAddress?: string,
): Promise<LightMyRequestResponse> {
  secrets.add(password);
  const response = await app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { username, password },
    ...(remoteAddress !== undefined ? { remoteAddress } : {}),
  });
  if (response.statusCode === 200) {
    secrets.add(sessionCookie(response).value);
    secrets.add((response.json() as { csrfToken: string }).csrfToken);
  }
  return response;
}

function sessionCookie(response: LightMyRequestResponse) {
  const cookie = response.cookies.find((c) => c.name === 'vigil_session');
  expect(cookie).toBeDefined();
  return cookie!;
}

/** The headers of a cookie session: the cookie and its CSRF token. */
function sessionHeaders(response: LightMyRequestResponse): { cookie: string; 'x-csrf-token': string } {
  return {
    cookie: `vigil_session=${sessionCookie(response).value}`,
    'x-csrf-token': (response.json() as { csrfToken: string }).csrfToken,
  };
}

const USER_KEYS = ['clearance', 'compartments', 'createdAt', 'disabled', 'id', 'roles', 'username'];
const TOKEN_KEYS = ['clearance', 'compartments', 'createdAt', 'id', 'name', 'revokedAt', 'roles'];

/** Every member name in a JSON value, at any depth. */
function keysDeep(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysDeep);
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, inner]) => [key, ...keysDeep(inner)]);
  return [];
}

async function newUser(username: string, roles: Role[] = ['viewer']): Promise<void> {
  await s.accounts.createUser({ username, password: PASSWORD, roles }, 'test');
}

async function systemEvents(from = 1): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of s.store.log.read({ from, stream: 'system' })) events.push(event);
  return events;
}

async function reportCount(): Promise<number> {
  const rows = await s.store.db.all<{ n: number }>('SELECT count(*) AS n FROM proj_reports');
  return Number(rows[0]?.n ?? 0);
}

/** A second app over the same store and accounts, with other settings; closed by the caller. */
async function otherApp(options: Partial<AppOptions>): Promise<App> {
  return (
    await buildApp({ store: s.store, accounts: s.accounts, clock: s.clock.now, logger: false, ...options })
  ).app;
}

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict cookie and answers the user and a CSRF token', async () => {
    const before = await s.head();
    const response = await signIn('user-analyst', PASSWORD);
    expect(response.statusCode).toBe(200);
    const cookie = sessionCookie(response);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).not.toBe(true);
    expect(cookie.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Strict');

    const body = response.json() as { user: Record<string, unknown>; csrfToken: string; expiresAt: string };
    expect(body.user).toMatchObject({
      kind: 'user',
      name: 'user-analyst',
      roles: ['analyst'],
      clearance: 'SECRET',
      compartments: [],
    });
    expect(typeof body.user.id).toBe('string');
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(body.csrfToken).not.toBe(cookie.value);
    expect(Date.parse(body.expiresAt)).toBeGreaterThan(s.clock.now().getTime());
    expect(response.body).not.toContain(PASSWORD);

    const started = (await systemEvents(before + 1)).filter((e) => e.type === 'session.started');
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ actor: body.user.id, data: { user: body.user.id } });
  });

  it('marks the cookie Secure when the app is built with secureCookies', async () => {
    const app = await otherApp({ secureCookies: true });
    try {
      const response = await signIn('user-viewer', PASSWORD, app);
      expect(response.statusCode).toBe(200);
      expect(sessionCookie(response)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Strict' });
      expect(String(response.headers['set-cookie'])).toContain('Secure');
    } finally {
      await app.close();
    }
  });

  it('answers a wrong password, an unknown user and a disabled user with byte-identical 401s', async () => {
    await newUser('disabled-before');
    await s.accounts.disableUser('disabled-before', 'test');
    await newUser('wrong-password-once');
    const wrong = await signIn('wrong-password-once', 'not the password at all');
    const unknown = await signIn('nobody-by-this-name', 'not the password at all');
    const disabled = await signIn('disabled-before', PASSWORD);
    const malformed = await signIn('not a user name!', 'not the password at all');
    expectError(wrong, 401, 'AUTH_FAILED');
    for (const other of [unknown, disabled, malformed]) {
      expect(other.statusCode).toBe(401);
      expect(other.body).toBe(wrong.body);
      expect(other.headers['set-cookie']).toBeUndefined();
    }
  });

  it('locks a user name after five failures: 429 SIGN_IN_LOCKED with Retry-After, even for the right password, until the lockout ends', async () => {
    await newUser('locked-out');
    for (let i = 0; i < 5; i++)
      expectError(await signIn('locked-out', `wrong password ${i}`), 401, 'AUTH_FAILED');
    const locked = await signIn('locked-out', PASSWORD);
    expectError(locked, 429, 'SIGN_IN_LOCKED');
    expect(locked.headers['retry-after']).toBe(String(15 * 60));
    expect(locked.headers['set-cookie']).toBeUndefined();

    // A name nobody has locks alike: a lockout tells nothing about who exists.
    for (let i = 0; i < 5; i++) await signIn('no-such-person', `wrong password ${i}`);
    const lockedUnknown = await signIn('no-such-person', PASSWORD);
    expect(lockedUnknown.statusCode).toBe(429);
    expect(lockedUnknown.body).toBe(locked.body);

    s.clock.set(s.clock.now().getTime() + 15 * 60_000 + 1_000);
    expect((await signIn('locked-out', PASSWORD)).statusCode).toBe(200);
  });

  it('limits sign-in attempts per client address (loopback included)', async () => {
    const app = await otherApp({ signInPerMinute: 3 });
    try {
      for (const address of ['198.51.100.1', '127.0.0.1']) {
        // Failures of names nobody has (so no user name is locked out meanwhile).
        for (let i = 0; i < 3; i++)
          expectError(
            await signIn(`nobody-${address}-${i}`, 'a wrong password', app, address),
            401,
            'AUTH_FAILED',
          );
        const limited = await signIn('user-viewer', PASSWORD, app, address);
        expectError(limited, 429, 'RATE_LIMITED');
        expect(limited.json().error.message).toMatch(/too many requests/);
        expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
        expect(limited.headers['set-cookie']).toBeUndefined();
      }
      // Another address is not limited by the first one's attempts.
      expect((await signIn('user-viewer', PASSWORD, app, '198.51.100.2')).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('refuses a malformed body with 400 naming the field', async () => {
    const noPassword = await s.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'user-viewer' },
    });
    expectError(noPassword, 400, 'REQUEST_INVALID', '/password');
    const extra = await s.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'user-viewer', password: PASSWORD, remember: true },
    });
    expectError(extra, 400, 'REQUEST_INVALID', '/remember');
    const notString = await s.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'user-viewer', password: 12 },
    });
    expectError(notString, 400, 'REQUEST_INVALID', '/password');
  });
});

describe('the session', () => {
  it('GET /api/v1/session answers the principal, and the CSRF token of a cookie session', async () => {
    const signedIn = await signIn('user-auditor', PASSWORD);
    const mine = await s.app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: { cookie: sessionHeaders(signedIn).cookie },
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.json()).toEqual({
      user: (signedIn.json() as { user: unknown }).user,
      csrfToken: (signedIn.json() as { csrfToken: string }).csrfToken,
      expiresAt: expect.any(String),
    });

    const token = await s.app.inject({
      method: 'GET',
      url: '/api/v1/session',
      headers: s.tokens.auditor.headers,
    });
    expect(token.statusCode).toBe(200);
    expect(token.json()).toEqual({
      user: expect.objectContaining({ kind: 'token', name: 'token-auditor', roles: ['auditor'] }),
    });

    expectError(await s.app.inject({ method: 'GET', url: '/api/v1/session' }), 401, 'AUTH_REQUIRED');
    expectError(
      await s.app.inject({
        method: 'GET',
        url: '/api/v1/session',
        headers: { cookie: 'vigil_session=not-a-session' },
      }),
      401,
      'AUTH_REQUIRED',
    );
  });

  it('sign-out ends the session: the cookie no longer works', async () => {
    const signedIn = await signIn('user-viewer', PASSWORD);
    const headers = sessionHeaders(signedIn);
    const userId = (signedIn.json() as { user: { id: string } }).user.id;

    // Signing out is a change: it needs the CSRF token too.
    expectError(
      await s.app.inject({ method: 'DELETE', url: '/api/v1/session', headers: { cookie: headers.cookie } }),
      403,
      'CSRF',
    );
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/session', headers })).statusCode).toBe(200);

    const before = await s.head();
    const out = await s.app.inject({ method: 'DELETE', url: '/api/v1/session', headers });
    expect(out.statusCode).toBe(204);
    const cleared = sessionCookie(out);
    expect(cleared.value).toBe('');
    expect(cleared.expires!.getTime()).toBeLessThanOrEqual(Date.now());

    expectError(await s.app.inject({ method: 'GET', url: '/api/v1/session', headers }), 401, 'AUTH_REQUIRED');
    expectError(
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/problems/tiny/reports',
        headers,
        payload: tinyReport('after-sign-out', s),
      }),
      401,
      'AUTH_REQUIRED',
    );
    const ended = (await systemEvents(before + 1)).filter((e) => e.type === 'session.ended');
    expect(ended).toEqual([
      expect.objectContaining({
        actor: userId,
        data: expect.objectContaining({ user: userId, reason: 'signed-out' }),
      }),
    ]);
  });
});

describe('CSRF', () => {
  let analyst: { cookie: string; 'x-csrf-token': string };
  let senior: { cookie: string; 'x-csrf-token': string };
  let admin: { cookie: string; 'x-csrf-token': string };

  beforeAll(async () => {
    analyst = sessionHeaders(await signIn('user-analyst', PASSWORD));
    senior = sessionHeaders(await signIn('user-senior-analyst', PASSWORD));
    admin = sessionHeaders(await signIn('user-admin', PASSWORD));
  });

  /** The same request without the header, with a wrong one and with another session's: 403 CSRF, nothing written. */
  async function expectRefusedWithoutCsrf(
    method: 'POST' | 'PUT' | 'DELETE',
    url: string,
    own: { cookie: string; 'x-csrf-token': string },
    payload?: object,
  ) {
    const wrongs: Record<string, string>[] = [
      { cookie: own.cookie },
      { cookie: own.cookie, 'x-csrf-token': '' },
      { cookie: own.cookie, 'x-csrf-token': 'x'.repeat(own['x-csrf-token'].length) },
      { cookie: own.cookie, 'x-csrf-token': own['x-csrf-token'].slice(1) },
      {
        cookie: own.cookie,
        'x-csrf-token': analyst === own ? senior['x-csrf-token'] : analyst['x-csrf-token'],
      },
    ];
    for (const headers of wrongs) {
      const head = await s.head();
      const reports = await reportCount();
      const response = await s.app.inject({
        method,
        url,
        headers,
        ...(payload !== undefined ? { payload } : {}),
      });
      expectError(response, 403, 'CSRF');
      expect(await s.head()).toBe(head);
      expect(await reportCount()).toBe(reports);
    }
  }

  it('POST with a cookie needs the X-CSRF-Token of its session', async () => {
    await expectRefusedWithoutCsrf(
      'POST',
      '/api/v1/problems/tiny/reports',
      analyst,
      tinyReport('csrf-post', s),
    );
    const ok = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports',
      headers: analyst,
      payload: tinyReport('csrf-post', s),
    });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ accepted: 1 });
  });

  it('PUT with a cookie needs it', async () => {
    const changed = { ...TINY_PROBLEM, title: 'Is the bridge going to be blown? (CSRF test)' };
    await expectRefusedWithoutCsrf('PUT', '/api/v1/problems/tiny', senior, changed);
    const ok = await s.app.inject({
      method: 'PUT',
      url: '/api/v1/problems/tiny',
      headers: senior,
      payload: changed,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ id: 'tiny', version: 2 });
  });

  it('DELETE with a cookie needs it', async () => {
    const { token, secret } = await s.accounts.createToken(
      { name: 'csrf-target', roles: ['viewer'] },
      'test',
    );
    secrets.add(secret);
    await expectRefusedWithoutCsrf('DELETE', `/api/v1/tokens/${token.id}`, admin);
    expect(
      (
        await s.app.inject({
          method: 'GET',
          url: '/api/v1/session',
          headers: { authorization: `Bearer ${secret}` },
        })
      ).statusCode,
    ).toBe(200);
    const ok = await s.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${token.id}`, headers: admin });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ token: { id: token.id, revokedAt: expect.any(String) } });
  });

  it('a GET with a cookie needs none, nor does a Bearer request that changes something', async () => {
    expect(
      (await s.app.inject({ method: 'GET', url: '/api/v1/problems', headers: { cookie: analyst.cookie } }))
        .statusCode,
    ).toBe(200);
    const bearer = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports',
      headers: s.tokens.analyst.headers,
      payload: tinyReport('csrf-bearer', s),
    });
    expect(bearer.statusCode).toBe(201);
  });
});

describe('users', () => {
  const create = (payload: Record<string, unknown>) =>
    s.app.inject({ method: 'POST', url: '/api/v1/users', headers: s.tokens.admin.headers, payload });

  it('an admin creates a user, who can then sign in', async () => {
    const before = await s.head();
    const response = await create({
      username: 'new-analyst',
      password: 'a new long password',
      roles: ['analyst'],
    });
    secrets.add('a new long password');
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({
      user: {
        id: expect.any(String),
        username: 'new-analyst',
        roles: ['analyst'],
        clearance: 'UNCLASSIFIED',
        compartments: [],
        disabled: false,
        createdAt: expect.any(String),
      },
    });
    const created = (await systemEvents(before + 1)).filter((e) => e.type === 'user.created');
    expect(created).toHaveLength(1);
    expect(created[0]!.data).toMatchObject({ username: 'new-analyst', roles: ['analyst'] });

    const signedIn = await signIn('new-analyst', 'a new long password');
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json()).toMatchObject({
      user: { name: 'new-analyst', roles: ['analyst'], clearance: 'UNCLASSIFIED' },
    });

    const list = await s.app.inject({ method: 'GET', url: '/api/v1/users', headers: s.tokens.admin.headers });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { users: { username: string }[] }).users.map((u) => u.username)).toContain(
      'new-analyst',
    );
    for (const user of (list.json() as { users: object[] }).users)
      expect(Object.keys(user).sort()).toEqual(USER_KEYS);
    expect(list.body).not.toContain('$argon2');
  });

  it('a taken name is 409 USER_EXISTS, a weak password 400 PASSWORD_WEAK, a bad role or name 400: nothing written', async () => {
    await create({ username: 'taken-name', password: 'a new long password', roles: ['viewer'] });
    const cases: [Record<string, unknown>, number, string, string][] = [
      [
        { username: 'taken-name', password: 'another long password', roles: ['admin'] },
        409,
        'USER_EXISTS',
        '/username',
      ],
      [{ username: 'weak-one', password: 'short', roles: ['viewer'] }, 400, 'PASSWORD_WEAK', '/password'],
      [
        { username: 'bad-role', password: 'a new long password', roles: ['emperor'] },
        400,
        'REQUEST_INVALID',
        '/roles/0',
      ],
      [
        { username: 'no-roles', password: 'a new long password', roles: [] },
        400,
        'REQUEST_INVALID',
        '/roles',
      ],
      [
        { username: 'has space', password: 'a new long password', roles: ['viewer'] },
        400,
        'REQUEST_INVALID',
        '/username',
      ],
      [
        {
          username: 'bad-clearance',
          password: 'a new long password',
          roles: ['viewer'],
          clearance: 'COSMIC',
        },
        400,
        'REQUEST_INVALID',
        '/clearance',
      ],
      [
        { username: 'extra', password: 'a new long password', roles: ['viewer'], isAdmin: true },
        400,
        'REQUEST_INVALID',
        '/isAdmin',
      ],
    ];
    for (const [payload, status, code, path] of cases) {
      const head = await s.head();
      expectError(await create(payload), status, code, path);
      expect(await s.head()).toBe(head);
    }
    expect(await s.accounts.user('weak-one')).toBeUndefined();
    expect((await s.accounts.user('taken-name'))?.roles).toEqual(['viewer']);
  });

  it('disabling a user ends their session and their sign-in', async () => {
    await newUser('to-disable', ['analyst']);
    const headers = sessionHeaders(await signIn('to-disable', PASSWORD));
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/session', headers })).statusCode).toBe(200);

    const disabled = await s.app.inject({
      method: 'POST',
      url: '/api/v1/users/to-disable/disable',
      headers: s.tokens.admin.headers,
    });
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json()).toMatchObject({ user: { username: 'to-disable', disabled: true } });

    expectError(await s.app.inject({ method: 'GET', url: '/api/v1/session', headers }), 401, 'AUTH_REQUIRED');
    expectError(
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/problems/tiny/reports',
        headers,
        payload: tinyReport('by-disabled', s),
      }),
      401,
      'AUTH_REQUIRED',
    );
    const again = await signIn('to-disable', PASSWORD);
    expect(again.statusCode).toBe(401);
    expect(again.body).toBe((await signIn('nobody-at-all', 'surely not this one')).body);

    expectError(
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/users/nobody-here/disable',
        headers: s.tokens.admin.headers,
      }),
      404,
      'USER_NOT_FOUND',
    );
  });

  it('a password reset ends the sessions; the new password (given, or generated and shown once) works', async () => {
    await newUser('to-reset');
    const headers = sessionHeaders(await signIn('to-reset', PASSWORD));
    const given = await s.app.inject({
      method: 'POST',
      url: '/api/v1/users/to-reset/password',
      headers: s.tokens.admin.headers,
      payload: { password: 'the reset password' },
    });
    secrets.add('the reset password');
    expect(given.statusCode).toBe(200);
    expect(given.json()).not.toHaveProperty('password');
    expectError(await s.app.inject({ method: 'GET', url: '/api/v1/session', headers }), 401, 'AUTH_REQUIRED');
    expect((await signIn('to-reset', PASSWORD)).statusCode).toBe(401);
    expect((await signIn('to-reset', 'the reset password')).statusCode).toBe(200);

    const generated = await s.app.inject({
      method: 'POST',
      url: '/api/v1/users/to-reset/password',
      headers: s.tokens.admin.headers,
      payload: {},
    });
    expect(generated.statusCode).toBe(200);
    const password = (generated.json() as { password: string }).password;
    expect(password.length).toBeGreaterThanOrEqual(12);
    expect((await signIn('to-reset', password)).statusCode).toBe(200);

    expectError(
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/users/to-reset/password',
        headers: s.tokens.admin.headers,
        payload: { password: 'short' },
      }),
      400,
      'PASSWORD_WEAK',
      '/password',
    );
  });
});

describe('API tokens', () => {
  it('the secret is answered once, works as a Bearer token, and never appears in the list', async () => {
    const created = await s.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: s.tokens.admin.headers,
      payload: { name: 'sensor-feed', roles: ['analyst'] },
    });
    expect(created.statusCode).toBe(201);
    const { token, secret } = created.json() as { token: { id: string }; secret: string };
    secrets.add(secret);
    expect(token).toEqual({
      id: expect.any(String),
      name: 'sensor-feed',
      roles: ['analyst'],
      clearance: 'UNCLASSIFIED',
      compartments: [],
      createdAt: expect.any(String),
    });
    expect(secret).toMatch(/^vigil_[0-9a-f]{32}_[A-Za-z0-9_-]{43}$/);

    const list = await s.app.inject({
      method: 'GET',
      url: '/api/v1/tokens',
      headers: s.tokens.admin.headers,
    });
    expect(list.statusCode).toBe(200);
    expect((list.json() as { tokens: { id: string }[] }).tokens.map((t) => t.id)).toContain(token.id);
    expect(list.body).not.toContain(secret);
    expect(list.body).not.toContain(secret.slice(-43));
    for (const listed of (list.json() as { tokens: object[] }).tokens)
      expect(TOKEN_KEYS).toEqual(expect.arrayContaining(Object.keys(listed)));

    const bearer = { authorization: `Bearer ${secret}` };
    const me = await s.app.inject({ method: 'GET', url: '/api/v1/session', headers: bearer });
    expect(me.json()).toEqual({
      user: {
        kind: 'token',
        id: token.id,
        name: 'sensor-feed',
        roles: ['analyst'],
        clearance: 'UNCLASSIFIED',
        compartments: [],
      },
    });
    const before = await s.head();
    const posted = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports',
      headers: bearer,
      payload: tinyReport('by-token', s),
    });
    expect(posted.statusCode).toBe(201);
    const received: StoredEvent[] = [];
    for await (const e of s.store.log.read({ from: before + 1, stream: 'tiny' })) received.push(e);
    expect(received).toEqual([expect.objectContaining({ type: 'report.received', actor: token.id })]);
  });

  it('a revoked token is 401; revoking twice is harmless; an unknown id is 404', async () => {
    const { token, secret } = await s.accounts.createToken({ name: 'to-revoke', roles: ['viewer'] }, 'test');
    secrets.add(secret);
    const bearer = { authorization: `Bearer ${secret}` };
    expect((await s.app.inject({ method: 'GET', url: '/api/v1/problems', headers: bearer })).statusCode).toBe(
      200,
    );

    const revoked = await s.app.inject({
      method: 'DELETE',
      url: `/api/v1/tokens/${token.id}`,
      headers: s.tokens.admin.headers,
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ token: { id: token.id, revokedAt: expect.any(String) } });
    expectError(
      await s.app.inject({ method: 'GET', url: '/api/v1/problems', headers: bearer }),
      401,
      'AUTH_REQUIRED',
    );

    const head = await s.head();
    expect(
      (
        await s.app.inject({
          method: 'DELETE',
          url: `/api/v1/tokens/${token.id}`,
          headers: s.tokens.admin.headers,
        })
      ).statusCode,
    ).toBe(200);
    expect(await s.head()).toBe(head);
    expectError(
      await s.app.inject({
        method: 'DELETE',
        url: '/api/v1/tokens/no-such-token',
        headers: s.tokens.admin.headers,
      }),
      404,
      'TOKEN_NOT_FOUND',
    );
  });

  it('a malformed Authorization header is 400 or 401, never 5xx', async () => {
    const valid = s.tokens.admin.headers.authorization!;
    const headers = [
      'Bearer',
      'Bearer ',
      'Bearer  ' + valid.slice(7),
      'Bearer x y',
      'Bearer é',
      'Bearer \u0000',
      'Bearer ' + 'a'.repeat(100_000),
      'Bearer vigil_' + '0'.repeat(32) + '_' + 'a'.repeat(43),
      valid + 'x',
      valid.slice(0, -1),
      'bearer ' + valid.slice(7),
      'Basic dXNlcjpwYXNz',
      'Token abc',
      '',
      ' ',
    ];
    const requests = [
      { method: 'GET', url: '/api/v1/problems' },
      { method: 'GET', url: '/api/v1/events' },
      { method: 'POST', url: '/api/v1/problems/tiny/reports', payload: tinyReport('never-written', s) },
      { method: 'DELETE', url: '/api/v1/session' },
    ] as const;
    const head = await s.head();
    for (const authorization of headers) {
      for (const request of requests) {
        const response = await s.app.inject({ ...request, headers: { authorization } });
        expect({
          authorization: authorization.slice(0, 30),
          url: request.url,
          status: response.statusCode,
        }).toMatchObject({
          status: expect.toSatisfy((n: number) => n === 400 || n === 401),
        });
        expectError(
          response,
          response.statusCode,
          response.statusCode === 400 ? 'REQUEST_INVALID' : 'AUTH_REQUIRED',
        );
      }
      for (const url of ['/healthz', '/api/docs']) {
        const response = await s.app.inject({ method: 'GET', url, headers: { authorization } });
        expect({ authorization: authorization.slice(0, 30), url, status: response.statusCode }).toMatchObject(
          { status: expect.toSatisfy((n: number) => n < 500) },
        );
      }
    }
    // No report was written; refusals of an unknown principal are not events.
    expect((await systemEvents(head + 1)).filter((e) => e.type !== 'token.used')).toEqual([]);
  });
});

describe('the log of identity', () => {
  it('records sign-ins, failures, token use and refusals, with no password or secret in any event', async () => {
    const before = await s.head();
    const ok = await signIn('user-duty-officer', PASSWORD);
    const userId = (ok.json() as { user: { id: string } }).user.id;
    await signIn('user-duty-officer', 'guessing the password');
    const { token, secret } = await s.accounts.createToken({ name: 'logged-use', roles: ['viewer'] }, 'test');
    secrets.add(secret);
    const refused = await s.app.inject({
      method: 'GET',
      url: '/api/v1/events',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(refused.statusCode).toBe(403);

    const events = await systemEvents(before + 1);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'session.started',
          actor: userId,
          data: expect.objectContaining({ user: userId }),
        }),
        expect.objectContaining({
          type: 'session.refused',
          actor: 'anonymous',
          data: { username: 'user-duty-officer', reason: 'bad-credentials' },
        }),
        expect.objectContaining({
          type: 'token.used',
          actor: token.id,
          data: { token: token.id, requests: 1 },
        }),
        expect.objectContaining({
          type: 'access.refused',
          actor: token.id,
          data: { action: 'log.read', method: 'GET', route: '/api/v1/events' },
        }),
      ]),
    );

    const all = await systemEvents();
    expect(all.length).toBeGreaterThan(20);
    for (const event of all) {
      const text = JSON.stringify(event);
      for (const secretValue of secrets)
        expect(text.includes(secretValue), `${event.type} #${event.seq} holds a secret`).toBe(false);
      expect(text).not.toContain('$argon2');
      expect(
        keysDeep(event.data).filter((key) => /password|hash|secret|csrf/i.test(key)),
        `${event.type} #${event.seq}`,
      ).toEqual([]);
    }
  });
});
