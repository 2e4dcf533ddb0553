/**
 * Every route of the API, as every role, with both kinds of credentials: what the permission
 * matrix (PERMISSIONS) allows is answered, what it does not is 403 FORBIDDEN with an
 * `access.refused` event naming the actor, and an anonymous caller gets 401 everywhere but the
 * public routes. The route table below must list exactly the routes the app registers, so a
 * new route without a row here fails.
 */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, ROLES, may, type Action, type Role } from '../../src/app/access.js';
import type { App } from '../../src/http/context.js';
import type { StoredEvent } from '../../src/log/event.js';
import {
  PASSWORD,
  TINY_PROBLEM,
  startTestServer,
  tinyReport,
  type Caller,
  type TestServer,
} from './server-fixture.js';
import { raise, theOpenWarning } from './warnings-fixture.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Kind = 'users' | 'tokens';

/** One route: the action it needs, the status of a valid request, and how to make one. */
interface RouteCase {
  readonly method: Method;
  /** The route as Fastify registers it (`:param`). */
  readonly route: string;
  readonly access: Action | 'signed-in' | 'public';
  /**
   * The answer to the request below when the matrix lets the caller make it; per role and kind
   * of credential where the route has a rule of its own beyond the matrix (then 403 FORBIDDEN,
   * with an `access.refused` event like any refusal).
   */
  readonly ok: number | ((role: Role, kind: Kind) => number);
  /** A valid request, the `n`th of the test run (for unique ids), made by `caller`. */
  readonly request: (
    caller: Caller,
    n: number,
  ) => Promise<Omit<InjectOptions, 'method' | 'headers'> & { headers?: Record<string, string> }>;
  /** The answer is an event stream (read its head only). */
  readonly stream?: boolean;
}

const NON_LOOPBACK = '203.0.113.7';
const TARGET_REPORT = 'access-target';
const NEW_PASSWORD = 'another fine long password';

/** Filled in by beforeAll: the id of the token that the DELETE /api/v1/tokens/:id row revokes. */
let targetTokenId = '';
/** Filled in by beforeAll: the tiny problem's open warning (raised through the API). */
let warningId = '';

/**
 * The organisation of these tests: `user-viewer` is the watch officer, the one person a warning
 * on the tiny problem is sent to (an API token is never a person of the organisation).
 */
const ORGANISATION = {
  people: [{ id: 'watch-1', name: 'Watch Officer One', user: 'user-viewer', email: 'watch-1@example.org' }],
  roles: [{ id: 'watch', title: 'Watch officer', holder: 'watch-1', deputies: [] }],
  policies: [{ problem: 'tiny', control: 'watch', levels: { warning: [{ notify: ['role:watch'] }] } }],
};

const ROUTES: readonly RouteCase[] = [
  { method: 'GET', route: '/healthz', access: 'public', ok: 200, request: async () => ({ url: '/healthz' }) },
  { method: 'GET', route: '/metrics', access: 'public', ok: 200, request: async () => ({ url: '/metrics' }) },
  {
    method: 'GET',
    route: '/api/docs',
    access: 'public',
    ok: 200,
    request: async () => ({ url: '/api/docs' }),
  },
  {
    method: 'GET',
    route: '/api/v1/stream',
    access: 'problem.read',
    ok: 200,
    stream: true,
    request: async () => ({ url: '/api/v1/stream' }),
  },
  {
    method: 'POST',
    route: '/api/v1/session',
    access: 'public',
    ok: 200,
    request: async () => ({
      url: '/api/v1/session',
      payload: { username: 'user-viewer', password: PASSWORD },
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/session',
    access: 'signed-in',
    ok: 200,
    request: async () => ({ url: '/api/v1/session' }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/session',
    access: 'signed-in',
    ok: 204,
    // A session of its own, so the caller's fixture session survives.
    request: async (caller) => ({
      url: '/api/v1/session',
      ...(caller.cookie !== undefined ? { headers: await freshSession(caller.role) } : {}),
    }),
  },
  {
    method: 'POST',
    route: '/api/v1/users',
    access: 'user.manage',
    ok: 201,
    request: async (_caller, n) => ({
      url: '/api/v1/users',
      payload: { username: `new-user-${n}`, password: PASSWORD, roles: ['viewer'] },
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/users',
    access: 'user.manage',
    ok: 200,
    request: async () => ({ url: '/api/v1/users' }),
  },
  {
    method: 'POST',
    route: '/api/v1/users/:username/disable',
    access: 'user.manage',
    ok: 200,
    request: async () => ({ url: '/api/v1/users/target-disable/disable' }),
  },
  {
    method: 'POST',
    route: '/api/v1/users/:username/password',
    access: 'user.manage',
    ok: 200,
    request: async () => ({
      url: '/api/v1/users/target-password/password',
      payload: { password: NEW_PASSWORD },
    }),
  },
  {
    method: 'POST',
    route: '/api/v1/tokens',
    access: 'token.manage',
    ok: 201,
    request: async (_caller, n) => ({
      url: '/api/v1/tokens',
      payload: { name: `new-token-${n}`, roles: ['viewer'] },
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/tokens',
    access: 'token.manage',
    ok: 200,
    request: async () => ({ url: '/api/v1/tokens' }),
  },
  {
    method: 'DELETE',
    route: '/api/v1/tokens/:id',
    access: 'token.manage',
    ok: 200,
    request: async () => ({ url: `/api/v1/tokens/${targetTokenId}` }),
  },
  {
    method: 'POST',
    route: '/api/v1/problems',
    access: 'problem.write',
    ok: 201,
    request: async (_caller, n) => ({
      url: '/api/v1/problems',
      payload: { ...TINY_PROBLEM, id: `access-${n}` },
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/problems',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems' }),
  },
  {
    method: 'PUT',
    route: '/api/v1/problems/:id',
    access: 'problem.write',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny', payload: TINY_PROBLEM }),
  },
  {
    method: 'GET',
    route: '/api/v1/problems/:id',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny' }),
  },
  {
    method: 'GET',
    route: '/api/v1/problems/:id/versions',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny/versions' }),
  },
  {
    method: 'GET',
    route: '/api/v1/problems/:id/assessment',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny/assessment' }),
  },
  {
    method: 'GET',
    route: '/api/v1/problems/:id/ach',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny/ach' }),
  },
  {
    method: 'GET',
    route: '/api/v1/problems/:id/timeline',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny/timeline' }),
  },
  {
    method: 'POST',
    route: '/api/v1/problems/:id/reports',
    access: 'report.create',
    ok: 201,
    request: async (_caller, n) => ({
      url: '/api/v1/problems/tiny/reports',
      payload: tinyReport(`access-${n}`, server),
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/problems/:id/reports',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny/reports' }),
  },
  {
    method: 'POST',
    route: '/api/v1/problems/:id/reports/:reportId/retract',
    access: 'report.correct',
    ok: 201,
    request: async () => ({
      url: `/api/v1/problems/tiny/reports/${TARGET_REPORT}/retract`,
      payload: { reason: 'a test of access' },
    }),
  },
  {
    method: 'POST',
    route: '/api/v1/problems/:id/reports/:reportId/regrade',
    access: 'report.correct',
    ok: 201,
    request: async () => ({
      url: `/api/v1/problems/tiny/reports/${TARGET_REPORT}/regrade`,
      payload: { reason: 'a test of access', reliability: 'C', credibility: '3' },
    }),
  },
  {
    method: 'GET',
    route: '/api/v1/events',
    access: 'log.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/events?limit=5' }),
  },
  {
    method: 'GET',
    route: '/api/v1/export',
    access: 'log.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/export?to=5' }),
  },
  {
    method: 'GET',
    route: '/api/v1/warnings',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/warnings?state=all' }),
  },
  {
    method: 'GET',
    route: '/api/v1/warnings/:id',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: `/api/v1/warnings/${warningId}` }),
  },
  {
    method: 'POST',
    route: '/api/v1/warnings/:id/acknowledge',
    access: 'problem.read',
    // Every reader may ask; the warning admits the people it was sent to (user-viewer, the
    // watch officer, signed in), duty officers and decision-makers, and refuses the rest.
    ok: (role, kind) =>
      role === 'duty-officer' || role === 'decision-maker' || (role === 'viewer' && kind === 'users')
        ? 201
        : 403,
    request: async () => ({ url: `/api/v1/warnings/${warningId}/acknowledge`, payload: { note: 'read' } }),
  },
  {
    method: 'GET',
    route: '/api/v1/warnings/:id/cap',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: `/api/v1/warnings/${warningId}/cap` }),
  },
  {
    method: 'GET',
    route: '/api/v1/warnings/cap',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/warnings/cap' }),
  },
  {
    method: 'GET',
    route: '/api/v1/organisation',
    access: 'organisation.manage',
    ok: 200,
    request: async () => ({ url: '/api/v1/organisation' }),
  },
  {
    method: 'PUT',
    route: '/api/v1/organisation',
    access: 'organisation.manage',
    ok: 200,
    request: async () => ({ url: '/api/v1/organisation', payload: ORGANISATION }),
  },
  {
    method: 'GET',
    route: '/api/v1/organisation/coverage',
    access: 'organisation.manage',
    ok: 200,
    request: async () => ({ url: '/api/v1/organisation/coverage?days=3' }),
  },
  {
    method: 'POST',
    route: '/api/v1/problems/:id/dissents',
    access: 'dissent.file',
    ok: 201,
    request: async () => ({ url: '/api/v1/problems/tiny/dissents', payload: { posterior: { calm: 0.7, strike: 0.3 }, rationale: 'access table' } }),
  },
  {
    method: 'GET',
    route: '/api/v1/problems/:id/dissents',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny/dissents' }),
  },
  {
    method: 'POST',
    route: '/api/v1/dissents/:id/withdraw',
    access: 'dissent.file',
    ok: 200,
    // Only the author may withdraw: each caller withdraws a dissent it filed itself (callers
    // who may not file one ask about a dissent of the analyst's, and are refused first).
    request: async (caller) => {
      const mayFile = caller.role !== 'anonymous' && PERMISSIONS['dissent.file'].includes(caller.role);
      const filed = mayFile
        ? await server.app.inject({
            method: 'POST',
            url: '/api/v1/problems/tiny/dissents',
            headers: caller.headers,
            payload: { posterior: { calm: 0.7, strike: 0.3 }, rationale: 'to withdraw' },
          })
        : undefined;
      const own = filed?.statusCode === 201 ? (filed.json() as { dissent: string }).dissent : await analystDissent();
      return { url: `/api/v1/dissents/${own}/withdraw`, payload: { reason: 'access table' } };
    },
  },
  // Acknowledgment links from emails: public (the token is the credential); a token that is not
  // one is a 400 page for everyone (test/warn/email.test.ts follows real links).
  { method: 'GET', route: '/api/v1/ack/:token', access: 'public', ok: 400, request: async () => ({ url: '/api/v1/ack/not-a-token' }) },
  {
    method: 'POST',
    route: '/api/v1/ack/:token',
    access: 'public',
    ok: 400,
    request: async () => ({ url: '/api/v1/ack/not-a-token', payload: 'confirm=yes', headers: { 'content-type': 'application/x-www-form-urlencoded' } }),
  },
  // Inquiry and calibration (test/inquiry/ holds their own tests).
  {
    method: 'POST',
    route: '/api/v1/problems/:id/outcome',
    access: 'problem.write',
    ok: 201,
    request: async () => ({ url: '/api/v1/problems/tiny/outcome', payload: { hypothesis: 'strike', at: '2023-10-07T05:00:00Z', note: 'access table' } }),
  },
  {
    method: 'GET',
    route: '/api/v1/problems/:id/scores',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny/scores?from=2023-10-07T00:00:00Z&to=2023-10-07T06:00:00Z&every=1h' }),
  },
  { method: 'GET', route: '/api/v1/scores/reliability', access: 'problem.read', ok: 200, request: async () => ({ url: '/api/v1/scores/reliability' }) },
  {
    method: 'GET',
    route: '/api/v1/problems/:id/inquiry',
    access: 'log.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny/inquiry?from=2023-10-07T00:00:00Z&to=2023-10-08T00:00:00Z' }),
  },
  {
    method: 'POST',
    route: '/api/v1/problems/:id/counterfactual',
    access: 'problem.read',
    ok: 200,
    request: async () => ({ url: '/api/v1/problems/tiny/counterfactual', payload: { likelihoods: { scouts: { strike: 0.6 } } } }),
  },
];

/** A dissent filed by the analyst's token, for callers who cannot file their own. */
async function analystDissent(): Promise<string> {
  const filed = await server.app.inject({
    method: 'POST',
    url: '/api/v1/problems/tiny/dissents',
    headers: server.tokens.analyst.headers,
    payload: { posterior: { calm: 0.7, strike: 0.3 }, rationale: 'the analyst' },
  });
  return (filed.json() as { dissent: string }).dissent;
}

let server: TestServer;
let calls = 0;

/** Signs `user-<role>` in again: a session of its own (cookie and CSRF headers). */
async function freshSession(role: Role | 'anonymous'): Promise<Record<string, string>> {
  const response = await server.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { username: `user-${role}`, password: PASSWORD },
  });
  expect(response.statusCode).toBe(200);
  const cookie = response.cookies.find((c) => c.name === 'vigil_session')!;
  return {
    cookie: `vigil_session=${cookie.value}`,
    'x-csrf-token': (response.json() as { csrfToken: string }).csrfToken,
  };
}

interface Answer {
  readonly statusCode: number;
  readonly body: string;
}

/** Makes the route's valid request as `caller` (an event stream is read to its head, then closed). */
async function call(route: RouteCase, caller: Caller, extra: Partial<InjectOptions> = {}): Promise<Answer> {
  const { headers, ...rest } = await route.request(caller, ++calls);
  const options: InjectOptions = {
    method: route.method,
    ...rest,
    headers: { ...caller.headers, ...headers },
    ...extra,
  };
  if (route.stream !== true) return server.app.inject(options);
  const response: LightMyRequestResponse = await server.app.inject({ ...options, payloadAsStream: true });
  if (response.statusCode === 200) {
    (response.raw.res as ServerResponse).destroy();
    return { statusCode: 200, body: '' };
  }
  const chunks: Buffer[] = [];
  for await (const chunk of response.stream()) chunks.push(chunk as Buffer);
  return { statusCode: response.statusCode, body: Buffer.concat(chunks).toString('utf8') };
}

async function systemEventsAfter(seq: number): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  for await (const event of server.store.log.read({ from: seq + 1, stream: 'system' })) events.push(event);
  return events;
}

/** Every `METHOD /route` the app registers (HEAD routes Fastify adds for GET left out). */
function registeredRoutes(app: App): string[] {
  const found: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (match === null) continue;
    stack.length = match[1]!.length / 4;
    stack.push(match[2]!);
    for (const method of (match[3] ?? '').split(', ')) {
      if (method !== '' && method !== 'HEAD') found.push(`${method} ${stack.join('')}`);
    }
  }
  return found.sort();
}

/** The answer a caller the matrix lets through gets. */
function okFor(route: RouteCase, role: Role, kind: Kind): number {
  return typeof route.ok === 'number' ? route.ok : route.ok(role, kind);
}

/** Whether a principal with exactly this role may call the route. */
function allowed(route: RouteCase, role: Role): boolean {
  return route.access === 'public' || route.access === 'signed-in' || may({ roles: [role] }, route.access);
}

/** The user or token id of a caller, as the API reports it. */
const principalIds = new Map<Caller, string>();

beforeAll(async () => {
  server = await startTestServer(undefined, { signInPerMinute: 10_000 });
  await server.accounts.createUser(
    { username: 'target-disable', password: PASSWORD, roles: ['viewer'] },
    'test',
  );
  await server.accounts.createUser(
    { username: 'target-password', password: PASSWORD, roles: ['viewer'] },
    'test',
  );
  targetTokenId = (await server.accounts.createToken({ name: 'target', roles: ['viewer'] }, 'test')).token.id;
  const organised = await server.app.inject({
    method: 'PUT',
    url: '/api/v1/organisation',
    headers: server.tokens.admin.headers,
    payload: ORGANISATION,
  });
  expect(organised.statusCode, organised.body).toBe(200);
  // Well above the threshold, so the corrections and reports of other rows leave it open.
  await raise(server, 6);
  warningId = (await theOpenWarning(server)).id;
  const posted = await server.app.inject({
    method: 'POST',
    url: '/api/v1/problems/tiny/reports',
    headers: server.tokens.analyst.headers,
    payload: tinyReport(TARGET_REPORT, server),
  });
  expect(posted.statusCode).toBe(201);
  for (const caller of [...Object.values(server.users), ...Object.values(server.tokens)]) {
    const me = await server.app.inject({ method: 'GET', url: '/api/v1/session', headers: caller.headers });
    principalIds.set(caller, (me.json() as { user: { id: string } }).user.id);
  }
});

afterAll(async () => {
  await server.close();
});

describe('the route table', () => {
  it('lists exactly the routes the app registers', () => {
    const table = ROUTES.map((r) => `${r.method} ${r.route}`).sort();
    expect(table).toEqual(registeredRoutes(server.app));
  });

  it('grants what api.md says: every role what viewer may; writes to their roles; accounts and history to admin alone', () => {
    for (const roles of Object.values(PERMISSIONS)) {
      if (roles.includes('viewer')) expect([...roles].sort()).toEqual([...ROLES].sort());
    }
    expect(PERMISSIONS['problem.read']).toContain('viewer');
    expect(PERMISSIONS['problem.write']).toContain('senior-analyst');
    expect(PERMISSIONS['report.create']).toContain('analyst');
    expect(PERMISSIONS['report.correct']).toContain('senior-analyst');
    expect(PERMISSIONS['log.read']).toContain('auditor');
    for (const action of ['user.manage', 'token.manage', 'report.backfill', 'organisation.manage'] as const)
      expect(PERMISSIONS[action]).toEqual(['admin']);
    for (const action of ['problem.write', 'report.create', 'report.correct', 'log.read'] as const)
      expect(PERMISSIONS[action]).not.toContain('viewer');
  });

  it('names only actions of the permission matrix', () => {
    for (const route of ROUTES) {
      if (route.access !== 'public' && route.access !== 'signed-in')
        expect(Object.keys(PERMISSIONS)).toContain(route.access);
    }
  });
});

for (const kind of ['users', 'tokens'] as const) {
  describe(`as ${kind === 'users' ? 'signed-in users (cookie and CSRF token)' : 'API tokens (Bearer)'}`, () => {
    it.each(ROUTES.map((route) => [`${route.method} ${route.route}`, route] as const))(
      '%s follows the permission matrix for every role',
      async (_name, route) => {
        for (const role of ROLES) {
          const caller = server[kind][role];
          const actor = principalIds.get(caller)!;
          const before = await server.head();
          const answer = await call(route, caller);
          const refusals = (await systemEventsAfter(before)).filter((e) => e.type === 'access.refused');
          if (allowed(route, role)) {
            const ok = okFor(route, role, kind);
            expect({ role, status: answer.statusCode, body: answer.body.slice(0, 200) }).toMatchObject({
              role,
              status: ok,
            });
            if (ok === 403) expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
            // A route's own rule refuses too, and every refusal of a known caller is an event.
            expect(refusals).toHaveLength(ok === 403 ? 1 : 0);
          } else {
            expect({ role, status: answer.statusCode }).toEqual({ role, status: 403 });
            expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'FORBIDDEN' } });
            expect(refusals).toHaveLength(1);
            expect(refusals[0]).toMatchObject({
              actor,
              data: { action: route.access, method: route.method, route: route.route },
            });
          }
        }
      },
    );
  });
}

describe('anonymous callers', () => {
  const anonymous: Caller = { role: 'anonymous', headers: {} };
  const open = new Set(['GET /healthz', 'GET /api/docs', 'POST /api/v1/session', 'GET /metrics', 'GET /api/v1/ack/:token', 'POST /api/v1/ack/:token']);

  it.each(ROUTES.map((route) => [`${route.method} ${route.route}`, route] as const))(
    '%s',
    async (name, route) => {
      const before = await server.head();
      const answer = await call(route, anonymous);
      if (open.has(name)) {
        expect(answer.statusCode).toBe(okFor(route, 'viewer', 'users'));
      } else {
        expect(answer.statusCode).toBe(401);
        expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
        expect((await systemEventsAfter(before)).filter((e) => e.type === 'access.refused')).toEqual([]);
      }
    },
  );

  it('get 401 from HEAD on every GET route that needs a principal', async () => {
    for (const route of ROUTES.filter((r) => r.method === 'GET' && !open.has(`GET ${r.route}`))) {
      const { url } = await route.request(anonymous, ++calls);
      const answer = await server.app.inject({ method: 'HEAD', url: url as string });
      expect({ url, status: answer.statusCode }).toEqual({ url, status: 401 });
    }
  });
});

describe('/metrics from another machine', () => {
  const metrics = ROUTES.find((r) => r.route === '/metrics')!;
  const remote = { remoteAddress: NON_LOOPBACK };

  it('is refused without a token', async () => {
    const answer = await call(metrics, { role: 'anonymous', headers: {} }, remote);
    expect(answer.statusCode).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'AUTH_REQUIRED' } });
  });

  it('is served to a token whose roles allow metrics.read, for every role', async () => {
    for (const role of ROLES) {
      const answer = await call(metrics, server.tokens[role], remote);
      expect({ role, status: answer.statusCode }).toEqual({
        role,
        status: PERMISSIONS['metrics.read'].includes(role) ? 200 : 403,
      });
      if (answer.statusCode === 200) expect(answer.body).toContain('# TYPE');
    }
  });

  it('is not served to a session cookie (tokens only)', async () => {
    const answer = await call(metrics, server.users.admin, remote);
    expect(answer.statusCode).toBe(401);
  });

  it('is served on loopback without a token, in Prometheus text format', async () => {
    const answer = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain/);
    expect(answer.body).toContain('# TYPE');
  });
});
