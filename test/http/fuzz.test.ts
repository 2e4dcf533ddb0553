/**
 * Property-based fuzzing of every route through `inject`: random and hostile bodies, queries,
 * path parameters and headers, sent as an anonymous client, a viewer (cookie, no CSRF header),
 * an analyst token and an admin session with its CSRF token. Whatever arrives: never a 5xx,
 * never a hang, nothing logged as an error; every 4xx is `{"error": {"code", "message",
 * "path"?}}`; a rejected request writes nothing but audit events; no prototype is polluted;
 * /healthz still answers 200.
 *
 * The route table is checked against the routes the app registers (its `onRoute` option), so
 * a route added without being fuzzed fails the suite. Runs over every store (PostgreSQL when
 * VIGIL_TEST_DATABASE_URL is set). `VIGIL_FUZZ_SCALE=10` multiplies the runs for a long hunt.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../src/app/store.js';
import { CLIENT_ROUTES } from '../../src/http/web-ui.js';
import { ACK_TOKEN_TTL_MS, AckTokens } from '../../src/warn/ack-token.js';
import { announceUnavailable, STORES, type StoreFixture } from '../app/stores.js';
import {
  contentType,
  encode,
  fromPlain,
  headerGarbage,
  heavyText,
  hostileString,
  JsonObject,
  jsonValue,
  malformedText,
  nearValid,
  pathParam,
  percentEncode,
  POLLUTION_MARKERS,
  queryString,
  TRAVERSAL,
  type JsonText,
} from './fuzz-arbitraries.js';
import {
  PASSWORD,
  SQLITE,
  startTestServer,
  TINY_PROBLEM,
  tinyReport,
  type TestServer,
} from './server-fixture.js';

/** Events a rejected request may append: the audit trail of refusals and reads. */
const AUDIT_EVENTS = new Set(['access.refused', 'session.refused', 'token.used', 'report.read']);

/** What the fixture makes for the fuzz to aim at (and perhaps damage): filled in before the runs. */
const VICTIM = {
  user: 'fuzz-victim',
  problem: 'fuzz-put',
  report: 'r-victim',
  token: 'none',
  warning: 'none',
  dissent: 'none',
  ackLinks: [] as string[],
};

/** The acknowledgment links' signing secret, so the fuzz can hold real links (valid, expired, for others). */
const ACK_SECRET = 'fuzz-ack-secret-of-32-bytes-long';

/**
 * Routes that answer people in a browser with an HTML page, refusals included (the links of
 * warning emails): their 4xx is checked as such a page, not as the API's JSON error.
 */
const HTML_PAGES = new Set(['GET /api/v1/ack/:token', 'HEAD /api/v1/ack/:token', 'POST /api/v1/ack/:token']);

type CallerName = 'anonymous' | 'viewer' | 'analyst' | 'admin';
const CALLERS: readonly CallerName[] = ['anonymous', 'viewer', 'analyst', 'admin'];

/** How to fuzz one route: real values of its path parameters, valid bodies, its query fields. */
interface RouteFuzz {
  /** Real values per path parameter (`*` for a wildcard), mixed with hostile ones. */
  readonly params?: () => Readonly<Record<string, readonly string[]>>;
  /** Valid bodies: the bases of near-valid mutations. */
  readonly bodies?: readonly unknown[];
  /** Optional fields of the bodies (mutations add them, with bad values). */
  readonly optional?: readonly string[];
  /** Query fields and good values. */
  readonly query?: Readonly<Record<string, readonly string[]>>;
  /** Form bodies (application/x-www-form-urlencoded) the route parses, besides JSON. */
  readonly forms?: readonly string[];
}

const AT = [
  '2023-10-07T05:00:00Z',
  '2023-10-07T06:00:00.000Z',
  '2023-10-06T00:00:00+03:00',
  '0000-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
];
/** Windows: from the fixture's morning to its now, and the absurd ones (ten thousand years, reversed). */
const FROM = ['2023-10-07T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.999Z'];
const TO = ['2023-10-07T06:00:00Z', '9999-12-31T23:59:59.999Z', '0000-01-01T00:00:00Z'];
const problemId = () => ({ id: ['tiny', VICTIM.problem, 'nope'] });
const reportId = () => ({ id: ['tiny', 'nope'], reportId: [VICTIM.report, 'nope'] });
const warningId = () => ({ id: [VICTIM.warning, 'nope'] });
/** Paths under a wildcard: real files, and ways out of the web root. */
const FILES = [
  'app.js',
  'index.html',
  'missing.js',
  '',
  'a/b/c',
  '%2e%2e/%2e%2e/package.json',
  '..%2f..%2f..%2fpackage.json',
  '%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
  '..%5c..%5cpackage.json',
  '%2fetc%2fpasswd',
  '.env',
  '%00',
  'app.js%00.html',
  '....//....//etc/passwd',
];

/** An organisation for the tiny problem: in-app only (no mail or webhook leaves the test). */
const ORGANISATION = {
  people: [
    { id: 'p1', name: 'Person One', user: 'user-duty-officer', email: 'p1@example.org' },
    { id: 'p2', name: 'Person Two', user: 'user-decision-maker' },
  ],
  roles: [
    { id: 'duty', title: 'Duty officer', holder: 'p1', deputies: ['p2'] },
    { id: 'control', title: 'Control', holder: 'p2', deputies: [] },
  ],
  absences: [{ person: 'p1', from: '2023-10-01T00:00:00Z', to: '2023-10-02T00:00:00Z', delegate: 'p2' }],
  policies: [
    {
      problem: 'tiny',
      control: 'control',
      materialChange: 0.1,
      levels: {
        warning: [
          { notify: ['role:duty'] },
          { wait: 900 },
          { notify: ['control', 'person:p2'] },
          { repeat: 1 },
        ],
      },
    },
  ],
};

/** Every route of the app, by `METHOD /url` as Fastify names it (the HEAD of each GET is added below). */
function routeTable(): Record<string, RouteFuzz> {
  const report = tinyReport('fz-1', {
    clock: { now: () => new Date('2023-10-07T06:00:00Z'), set: () => undefined },
  });
  const gets: Record<string, RouteFuzz> = {
    // The web UI's own paths (each answers its page): fuzzed as they are added.
    ...Object.fromEntries(
      CLIENT_ROUTES.map((url): [string, RouteFuzz] => [
        `GET ${url}`,
        url.endsWith('*') ? { params: () => ({ '*': ['tiny', 'tiny/assessment', ...FILES] }) } : {},
      ]),
    ),
    'GET /assets/*': { params: () => ({ '*': FILES }) },
    'GET /favicon.svg': {},
    'GET /healthz': {},
    'GET /metrics': {},
    'GET /api/docs': {},
    'GET /api/v1/stream': {},
    'GET /api/v1/session': {},
    'GET /api/v1/users': {},
    'GET /api/v1/tokens': {},
    'GET /api/v1/problems': {},
    'GET /api/v1/problems/:id': { params: problemId },
    'GET /api/v1/problems/:id/versions': { params: problemId },
    'GET /api/v1/problems/:id/assessment': {
      params: problemId,
      query: { at: AT, ignored: ['list', 'count'] },
    },
    'GET /api/v1/problems/:id/ach': { params: problemId, query: { at: AT } },
    'GET /api/v1/problems/:id/timeline': { params: problemId, query: { at: AT } },
    'GET /api/v1/problems/:id/reports': {
      params: problemId,
      query: { after: ['0', '3'], limit: ['1', '1000'] },
    },
    'GET /api/v1/problems/:id/dissents': { params: problemId, query: { at: AT } },
    'GET /api/v1/events': { query: { from: ['1', '5'], limit: ['1', '10000'] } },
    'GET /api/v1/export': { query: { from: ['1', '2'], to: ['3', '100000'] } },
    'GET /api/v1/warnings': { query: { state: ['open', 'acknowledged', 'all'], mine: ['true', 'false'] } },
    'GET /api/v1/warnings/cap': {},
    'GET /api/v1/warnings/:id': { params: warningId },
    'GET /api/v1/warnings/:id/cap': { params: warningId },
    'GET /api/v1/organisation': {},
    'GET /api/v1/organisation/coverage': { query: { days: ['1', '7', '366'] } },
    'GET /api/v1/ack/:token': { params: () => ({ token: VICTIM.ackLinks }) },
    'GET /api/v1/problems/:id/scores': {
      params: problemId,
      query: { from: FROM, to: TO, every: ['1h', '15m', '1d', 'PT1H', '1s', '0s', '1ms'] },
    },
    'GET /api/v1/scores/reliability': { query: { bins: ['10', '1', '50'], format: ['json', 'svg'] } },
    'GET /api/v1/problems/:id/inquiry': {
      params: problemId,
      query: { from: FROM, to: TO, format: ['json', 'html'] },
    },
  };
  const heads = Object.fromEntries(
    Object.entries(gets).map(([key, spec]) => [key.replace(/^GET /, 'HEAD '), spec]),
  );
  return {
    ...gets,
    ...heads,
    'POST /api/v1/session': { bodies: [{ username: VICTIM.user, password: 'not the password at all' }] },
    'DELETE /api/v1/session': {},
    'POST /api/v1/users': {
      bodies: [
        {
          username: 'fuzz-new',
          password: 'a password long enough',
          roles: ['viewer'],
          clearance: 'SECRET',
          compartments: ['alpha'],
        },
        { username: 'fuzz-new-2', password: 'a password long enough', roles: ['admin', 'auditor'] },
      ],
      optional: ['clearance', 'compartments'],
    },
    'POST /api/v1/users/:username/disable': { params: () => ({ username: [VICTIM.user, 'nobody'] }) },
    'POST /api/v1/users/:username/password': {
      params: () => ({ username: [VICTIM.user, 'nobody'] }),
      bodies: [{ password: 'another long password' }, {}],
      optional: ['password'],
    },
    'POST /api/v1/tokens': {
      bodies: [{ name: 'fuzz token', roles: ['viewer'], clearance: 'CONFIDENTIAL', compartments: [] }],
      optional: ['clearance', 'compartments'],
    },
    'DELETE /api/v1/tokens/:id': {
      params: () => ({ id: [VICTIM.token, '00000000-0000-0000-0000-000000000000'] }),
    },
    'POST /api/v1/problems': {
      bodies: [{ ...TINY_PROBLEM, id: 'fuzz-new-problem' }],
      optional: ['description'],
    },
    'PUT /api/v1/problems/:id': {
      params: () => ({ id: [VICTIM.problem, 'tiny', 'nope'] }),
      bodies: [{ ...TINY_PROBLEM, id: VICTIM.problem }],
      optional: ['description'],
    },
    'POST /api/v1/problems/:id/reports': {
      params: problemId,
      bodies: [
        { ...report, classification: 'CONFIDENTIAL', compartments: [] },
        {
          ...report,
          id: 'fz-2',
          received: '2023-10-07T05:59:30Z',
          text: 'seen',
          sensitivity: 0.9,
          falseAlarmRate: 0.05,
        },
        { reports: [report, { ...report, id: 'fz-3', observed: 'absent', credibility: 3 }] },
      ],
      optional: [
        'received',
        'classification',
        'compartments',
        'sensitivity',
        'falseAlarmRate',
        'text',
        'reports',
      ],
    },
    'POST /api/v1/problems/:id/reports/:reportId/retract': { params: reportId, bodies: [{ reason: 'fuzz' }] },
    'POST /api/v1/problems/:id/reports/:reportId/regrade': {
      params: reportId,
      bodies: [
        { reason: 'fuzz', reliability: 'B', credibility: '2', sensitivity: 0.5, falseAlarmRate: 0.1 },
        { reason: 'fuzz', reliability: 'A', credibility: '1' },
      ],
      optional: ['sensitivity', 'falseAlarmRate'],
    },
    'POST /api/v1/problems/:id/dissents': {
      params: problemId,
      bodies: [{ posterior: { calm: 0.3, strike: 0.7 }, rationale: 'the trucks' }],
    },
    'POST /api/v1/dissents/:id/withdraw': {
      params: () => ({ id: [VICTIM.dissent, 'nope'] }),
      bodies: [{ reason: 'fuzz' }, {}],
      optional: ['reason'],
    },
    'POST /api/v1/warnings/:id/acknowledge': {
      params: warningId,
      bodies: [{ version: 1, note: 'seen' }, {}],
      optional: ['version', 'note'],
    },
    'PUT /api/v1/organisation': { bodies: [ORGANISATION] },
    'POST /api/v1/problems/:id/outcome': {
      params: problemId,
      bodies: [{ hypothesis: 'strike', at: '2023-10-07T05:30:00Z', note: 'the bridge fell' }],
      optional: ['note'],
    },
    'POST /api/v1/problems/:id/counterfactual': {
      params: problemId,
      bodies: [
        { version: 1, from: FROM[0], to: TO[0] },
        { likelihoods: { trucks: { calm: 0.3, strike: 0.7 } } },
        { likelihoods: { scouts: { strike: 0.6 } } },
        { model: TINY_PROBLEM },
        {
          model: {
            ...TINY_PROBLEM,
            hypotheses: [
              { id: 'calm', title: 'Calm', prior: 0.5 },
              { id: 'strike', title: 'Strike', prior: 0.5, dangerous: true },
            ],
          },
        },
      ],
      optional: ['version', 'model', 'likelihoods', 'from', 'to'],
    },
    'POST /api/v1/ack/:token': {
      params: () => ({ token: VICTIM.ackLinks }),
      bodies: [{ confirm: 'yes' }],
      forms: [
        'confirm=yes',
        '',
        'confirm=no&confirm=yes',
        '__proto__[polluted]=yes&constructor[prototype][polluted]=yes',
        '__proto__=x',
        '%zz=%zz',
        `confirm=${'y'.repeat(2000)}`,
        'a=1&'.repeat(300),
      ],
    },
  };
}

const ROUTE_KEYS = Object.keys(routeTable());
const STRAY = 'stray';
const TOGETHER = 'together';

/** Multiplies every run count (default 1: about a minute for the file on two slow cores, with PostgreSQL). */
const SCALE = Number(process.env.VIGIL_FUZZ_SCALE ?? '1') || 1;

/** Runs per route: bodies are where most can go wrong. */
function runsOf(key: string): number {
  const base = key.startsWith('HEAD ')
    ? 6
    : key.startsWith('GET ')
      ? 25
      : key === STRAY
        ? 150
        : key === TOGETHER
          ? 30
          : 80;
  return Math.ceil(base * SCALE);
}

/** One request the fuzz sends (the caller's credentials are added when it is sent: sessions may be renewed). */
interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly caller: CallerName;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string | Buffer;
}

/** A short description (fast-check prints counterexamples with it; bodies can be 1 MiB). */
function describeRequest(r: FuzzRequest): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}...(${s.length} chars)` : s);
  const payload =
    r.payload === undefined
      ? ''
      : ` body ${cut(Buffer.isBuffer(r.payload) ? `<bytes ${r.payload.toString('hex')}>` : JSON.stringify(r.payload))}`;
  return `${r.method} ${cut(r.url)} as ${r.caller} headers ${cut(JSON.stringify(r.headers))}${payload}`;
}

function printable(r: FuzzRequest): FuzzRequest {
  return Object.assign(r, { [fc.toStringMethod]: () => describeRequest(r) });
}

type Body = { payload?: string | Buffer; type?: string };

/** An answer as the fuzz reads it. */
interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: string;
}

/** The body of a request to a route: none, near-valid, random JSON, malformed or heavy text, under some content type. */
function bodyArb(spec: RouteFuzz): fc.Arbitrary<Body> {
  const bodies = spec.bodies ?? [{}];
  const template: JsonText = fromPlain(bodies[0]);
  const keys = [...new Set([...bodies.flatMap((b) => Object.keys(b as object)), ...(spec.optional ?? [])])];
  const json: fc.Arbitrary<JsonText> = fc.oneof(
    {
      weight: spec.bodies === undefined ? 1 : 6,
      arbitrary: fc.oneof(...bodies.map((b) => nearValid(fromPlain(b), keys))),
    },
    { weight: 3, arbitrary: jsonValue(keys) },
    ...(keys.includes('reports')
      ? [
          {
            weight: 2,
            arbitrary: fc
              .array(nearValid(template, keys), { minLength: 1, maxLength: 3 })
              .map((items): JsonText => new JsonObject([['reports', items]])),
          },
        ]
      : []),
  );
  const text = fc.oneof(
    { weight: 8, arbitrary: json.map(encode) },
    { weight: 3, arbitrary: malformedText(template) },
    { weight: 1, arbitrary: heavyText },
  );
  const forms = spec.forms ?? [];
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Body>({}) },
    {
      weight: 6,
      arbitrary: fc
        .tuple(text, contentType)
        .map(([payload, type]): Body => (type === undefined ? { payload } : { payload, type })),
    },
    ...(forms.length > 0
      ? [
          {
            weight: 4,
            arbitrary: fc
              .oneof(fc.constantFrom(...forms), queryString({ confirm: ['yes'] }))
              .map((payload): Body => ({ payload, type: 'application/x-www-form-urlencoded' })),
          },
        ]
      : []),
  );
}

/** A request to the route `key`, its path parameters filled with real or hostile values. */
function requestArb(key: string, spec: RouteFuzz): fc.Arbitrary<FuzzRequest> {
  const [method, url] = key.split(' ') as [string, string];
  const names = [...url.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? '*');
  const real = spec.params?.() ?? {};
  const params = fc.tuple(
    ...names.map((name) =>
      name === '*'
        ? fc.oneof(fc.constantFrom(...(real['*'] ?? FILES)), pathParam([]))
        : pathParam(real[name] ?? []),
    ),
  ) as fc.Arbitrary<string[]>;
  const query = fc.oneof(
    { weight: 2, arbitrary: fc.constant('') },
    { weight: 3, arbitrary: queryString(spec.query ?? {}) },
  );
  const overlay = fc.oneof(
    { weight: 3, arbitrary: fc.constant({}) },
    { weight: 1, arbitrary: headerGarbage },
  );
  const body =
    method === 'GET' || method === 'HEAD'
      ? fc.oneof({ weight: 4, arbitrary: fc.constant<Body>({}) }, { weight: 1, arbitrary: bodyArb(spec) })
      : bodyArb(spec);
  return fc
    .record({ caller: fc.constantFrom(...CALLERS), params, query, overlay, body })
    .map(({ caller, params: values, query: q, overlay: extra, body: b }) => {
      let i = 0;
      const path = url.replace(/:(\w+)|\*/g, () => values[i++] ?? '');
      return printable({
        method,
        url: q === '' ? path : `${path}?${q}`,
        caller,
        headers: { ...extra, ...(b.type !== undefined ? { 'content-type': b.type } : {}) },
        ...(b.payload !== undefined ? { payload: b.payload } : {}),
      });
    });
}

/** The route's valid requests, as an admin and as an analyst: run first, so every handler is reached. */
function examplesOf(key: string, spec: RouteFuzz): FuzzRequest[] {
  const [method, url] = key.split(' ') as [string, string];
  const real = spec.params?.() ?? {};
  const path = url.replace(/:(\w+)|\*/g, (_all, name: string | undefined) => real[name ?? '*']?.[0] ?? 'x');
  const query = Object.entries(spec.query ?? {})
    .map(([name, values]) => `${name}=${encodeURIComponent(values[0] ?? '')}`)
    .join('&');
  const bodies = spec.bodies ?? [undefined];
  return (['admin', 'analyst'] as const).flatMap((caller) =>
    bodies.map((body) =>
      printable({
        method,
        url: query === '' ? path : `${path}?${query}`,
        caller,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      }),
    ),
  );
}

/** Requests to no route, or to routes by odd paths: traversal, bad encodings, unknown methods. */
const strayRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'),
    path: fc.oneof(
      fc.constantFrom(
        '/',
        '/../../etc/passwd',
        '/api/v1/%2e%2e/%2e%2e/etc/passwd',
        '/api/v1/problems/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
        '/api/v1/problems/..%2f..%2fusers',
        '/api/v1/problems/tiny/reports/r-victim/retract/../../../../users',
        '/assets/..%2f..%2f..%2fpackage.json',
        '/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
        '/problems/..%2f..%2fpackage.json',
        '//api/v1/users',
        '/api/v1//problems',
        '/api/v1/problems/',
        '/api/v1/problems//reports',
        '/api/v1/problems/tiny/reports/x/y/z',
        '/%zz',
        '/api/v1/problems/%',
        '/api/v1/problems/%E0%A4%A',
        '/api/v1/problems/%00',
        '/api/v1/problems/%C0%AE%C0%AE',
        `/api/v1/problems/${'a'.repeat(600)}`,
        `/api/v1/problems/${'%41'.repeat(600)}`,
        '/api/v2/problems',
        '/API/V1/PROBLEMS',
        '/healthz/',
        '/healthz/..',
        '/api/docs/json',
        '/api/v1/session/',
        '/api/v1/users/__proto__/disable',
        '/api/v1/users/constructor/password',
        '/api/v1/problems/__proto__/reports',
        '/api/v1/problems/constructor/assessment',
        '/api/v1/tokens/__proto__',
        '/api/v1/warnings/__proto__',
      ),
      fc
        .array(
          fc.oneof(
            hostileString.map(percentEncode),
            fc.constantFrom(
              ...TRAVERSAL,
              'api',
              'v1',
              'problems',
              'tiny',
              'reports',
              'users',
              'tokens',
              'assets',
              'warnings',
            ),
          ),
          { minLength: 1, maxLength: 5 },
        )
        .map((segments) => '/' + segments.join('/')),
    ),
    caller: fc.constantFrom(...CALLERS),
    overlay: fc.oneof(fc.constant({}), headerGarbage),
    body: bodyArb({}),
  })
  .map(({ method, path, caller, overlay, body }) =>
    printable({
      method,
      url: path,
      caller,
      headers: { ...overlay, ...(body.type !== undefined ? { 'content-type': body.type } : {}) },
      ...(body.payload !== undefined ? { payload: body.payload } : {}),
    }),
  );

/** What a rejected request must leave as it was: users, tokens, sessions, models, reports, corrections. */
async function snapshot(store: Store): Promise<unknown> {
  const [counts] = await store.db.all(`SELECT
    (SELECT count(*) FROM auth_sessions) AS sessions,
    (SELECT count(*) FROM proj_problem_versions) AS versions,
    (SELECT count(*) FROM proj_reports) AS reports,
    (SELECT count(*) FROM proj_corrections) AS corrections`);
  const users = await store.db.all(
    'SELECT id, username, password_hash, roles, clearance, compartments, disabled FROM auth_users ORDER BY id',
  );
  const tokens = await store.db.all('SELECT id, name, roles, revoked_ms FROM auth_tokens ORDER BY id');
  return { counts, users, tokens };
}

/** The own property names of the prototypes a pollution would land on. */
function prototypeShapes(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype]
    .map((p) => Reflect.ownKeys(p).map(String).sort().join(','))
    .join('|');
}

/** The files of a built web UI in miniature, so the UI's routes (and their static files) are registered and fuzzed too. */
const WEB_FILES: Readonly<Record<string, string>> = {
  'index.html': '<!doctype html><title>Vigil</title><script type="module" src="/assets/app.js"></script>',
  'favicon.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
  'assets/app.js': 'export const vigil = 1;',
};

function miniWebRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-fuzz-web-'));
  mkdirSync(join(root, 'assets'));
  for (const [name, text] of Object.entries(WEB_FILES)) writeFileSync(join(root, name), text);
  return root;
}

/** What a file from outside the web root would show: /etc/passwd, this repository's package.json, win.ini. */
const LEAKED_FILE = /root:[^:\n]*:0:0:|"name": "vigil",\n|\[extensions\]/;

/** The web UI's routes: they serve files, and only those of the web root. */
const WEB_ROUTES = new Set(
  [...CLIENT_ROUTES, '/assets/*', '/favicon.svg'].flatMap((url) => [`GET ${url}`, `HEAD ${url}`]),
);

for (const fixture of STORES) {
  announceUnavailable(fixture);
  describe.skipIf(fixture.unavailable !== undefined)(
    `fuzz over ${fixture.name}: every route, hostile requests`,
    () => fuzzSuite(fixture),
  );
}

function fuzzSuite(fixture: StoreFixture): void {
  /** PostgreSQL answers slower: it gets a share of the runs (what fails only there: NUL, encodings). */
  const share = fixture.name === 'sqlite' ? 1 : 0.25;
  const runs = (key: string) => Math.ceil(runsOf(key) * share);
  let s: TestServer;
  let webRoot = '';
  const registered: string[] = [];
  /** Error lines the server logged (a 5xx logs its cause, the warning engine its failures). */
  const logged: string[] = [];
  const sessions: Record<'viewer' | 'admin', { username: string; secret: string; csrf: string }> = {
    viewer: { username: 'user-viewer', secret: '', csrf: '' },
    admin: { username: 'user-admin', secret: '', csrf: '' },
  };
  let analyst: Record<string, string> = {};
  let sent = 0;
  const perRoute = new Map<string, number>();
  const statuses = new Map<string, number>();
  let prototypes = '';

  beforeAll(async () => {
    webRoot = miniWebRoot();
    s = await startTestServer(fixture, {
      // The limits would answer 429 before validation after a few requests (they are tested
      // below, on their own server); here every request should reach the schemas.
      signInPerMinute: 1_000_000_000,
      requestsPerMinute: 1_000_000_000,
      webRoot,
      ackTokens: new AckTokens(ACK_SECRET),
      onRoute: (route) => {
        for (const method of [route.method].flat()) registered.push(`${method} ${route.url}`);
      },
      logger: { level: 'error', stream: { write: (line: string) => void logged.push(line) } },
    });
    for (const role of ['viewer', 'admin'] as const) {
      sessions[role].secret = s.users[role].cookie!.slice('vigil_session='.length);
      sessions[role].csrf = s.users[role].csrf!;
    }
    analyst = { ...s.tokens.analyst.headers };

    // Things to aim at: a user, a token, a second problem, a report, a warning, a dissent.
    await s.accounts.createUser({ username: VICTIM.user, password: PASSWORD, roles: ['viewer'] }, 'test');
    VICTIM.token = (
      await s.accounts.createToken({ name: 'fuzz-victim', roles: ['viewer'] }, 'test')
    ).token.id;
    await s.store.defineProblem({ ...TINY_PROBLEM, id: VICTIM.problem }, 'test');
    const org = await s.app.inject({
      method: 'PUT',
      url: '/api/v1/organisation',
      headers: s.users.admin.headers,
      payload: ORGANISATION,
    });
    expect(org.statusCode, org.body).toBe(200);
    const posted = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports',
      headers: analyst,
      payload: tinyReport(VICTIM.report, s),
    });
    expect(posted.statusCode, posted.body).toBe(201);
    // Trucks seen until the tiny problem is at its warning level: the engine opens a warning.
    for (let n = 1; n <= 10; n += 1) {
      const truck = await s.app.inject({
        method: 'POST',
        url: '/api/v1/problems/tiny/reports',
        headers: analyst,
        payload: tinyReport(`r-trucks-${n}`, s, { indicator: 'trucks', reliability: 'A', credibility: '1' }),
      });
      expect(truck.statusCode, truck.body).toBe(201);
      const assessment = await s.app.inject({
        method: 'GET',
        url: '/api/v1/problems/tiny/assessment',
        headers: analyst,
      });
      if ((assessment.json() as { level: string }).level === 'warning') break;
    }
    await settle();
    const warnings = await s.app.inject({
      method: 'GET',
      url: '/api/v1/warnings?state=all',
      headers: analyst,
    });
    VICTIM.warning = (warnings.json() as { warnings: { id: string }[] }).warnings[0]?.id ?? 'none';
    expect(VICTIM.warning, warnings.body).not.toBe('none');
    const links = new AckTokens(ACK_SECRET);
    const now = s.clock.now().getTime();
    VICTIM.ackLinks = [
      links.mint({ warning: VICTIM.warning, version: 1, person: 'p1' }, now),
      links.mint({ warning: VICTIM.warning, version: 2, person: 'p1' }, now),
      links.mint({ warning: VICTIM.warning, version: 1, person: 'p2' }, now),
      links.mint({ warning: VICTIM.warning, version: 1, person: 'nobody' }, now),
      links.mint({ warning: 'nope', version: 1, person: 'p1' }, now),
      links.mint({ warning: VICTIM.warning, version: 1, person: 'p1' }, now - 2 * ACK_TOKEN_TTL_MS),
      new AckTokens('another secret, not the server').mint(
        { warning: VICTIM.warning, version: 1, person: 'p1' },
        now,
      ),
    ].map(encodeURIComponent);
    const dissent = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/dissents',
      headers: analyst,
      payload: { posterior: { calm: 0.2, strike: 0.8 }, rationale: 'the trucks' },
    });
    expect(dissent.statusCode, dissent.body).toBe(201);
    VICTIM.dissent = (dissent.json() as { dissent: string }).dissent;
    // The engine's first tick (a second after start) re-evaluates every problem: let it pass.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await settle();
    prototypes = prototypeShapes();
  });

  afterAll(async () => {
    if (process.env.VIGIL_FUZZ_STATS !== undefined)
      console.log(
        [...statuses]
          .sort()
          .map(([k, n]) => `${k}: ${n}`)
          .join('\n'),
      );
    console.log(`fuzz over ${fixture.name}: ${sent} requests sent (${perRoute.size} routes and stray paths)`);
    await s?.close();
    rmSync(webRoot, { recursive: true, force: true });
  });

  function headersOf(caller: CallerName): Record<string, string> {
    switch (caller) {
      case 'anonymous':
        return {};
      case 'viewer':
        return { cookie: `vigil_session=${sessions.viewer.secret}` };
      case 'analyst':
        return analyst;
      case 'admin':
        return { cookie: `vigil_session=${sessions.admin.secret}`, 'x-csrf-token': sessions.admin.csrf };
      default: {
        const never: never = caller;
        throw new Error(`unknown caller ${String(never)}`);
      }
    }
  }

  /** Signs the cookie callers in again when an accepted request ended their session (sign-out). */
  async function renewSessions(): Promise<void> {
    for (const role of ['viewer', 'admin'] as const) {
      if ((await s.accounts.authenticateSession(sessions[role].secret)) !== undefined) continue;
      const { session, secret } = await s.accounts.signIn(sessions[role].username, PASSWORD);
      sessions[role].secret = secret;
      sessions[role].csrf = session.csrfToken;
    }
  }

  /**
   * Waits until the warning engine has done what an accepted change set going, so that what it
   * appends is not taken for the doing of the next request. The engine runs one operation at a
   * time: withdrawing no dissent answers (404) once everything queued before it has run.
   */
  async function settle(): Promise<void> {
    for (;;) {
      const head = await s.head();
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/dissents/none/withdraw',
        headers: analyst,
        payload: {},
      });
      await new Promise((resolve) => setTimeout(resolve, 5));
      if ((await s.head()) === head) return;
    }
  }

  /** Sends through inject as a stream (an event stream never ends): status, headers, body. */
  async function exchange(request: {
    method: string;
    url: string;
    headers: Record<string, string>;
    payload?: string | Buffer;
  }): Promise<Answer> {
    const response = await s.app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: request.headers,
      ...(request.payload !== undefined ? { payload: request.payload } : {}),
      payloadAsStream: true,
    });
    if (String(response.headers['content-type'] ?? '').startsWith('text/event-stream')) {
      // An accepted stream: close it (the live feed lets go of it) and read no further.
      (response.raw.res as ServerResponse).destroy();
      return { status: response.statusCode, headers: response.headers, body: '' };
    }
    const chunks: Buffer[] = [];
    for await (const chunk of response.stream()) chunks.push(chunk as Buffer);
    return {
      status: response.statusCode,
      headers: response.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
  }

  async function withDeadline<T>(what: string, promise: Promise<T>, ms = 8_000): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms: ${what}`)), ms);
    });
    try {
      return await Promise.race([promise, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Checks one answer on its own: status, no leaked file, and the error's shape when refused. Returns its error code. */
  function checkAnswer(route: string, request: FuzzRequest, answer: Answer, context: string): string {
    expect(answer.status, context).toBeGreaterThanOrEqual(200);
    expect(answer.status, context).toBeLessThan(500);
    // Path traversal: nothing from outside the web root, ever; from the UI's routes, only its files.
    expect(answer.body, context).not.toMatch(LEAKED_FILE);
    if (WEB_ROUTES.has(route) && answer.status < 300 && request.method === 'GET') {
      expect(
        Object.values(WEB_FILES).some((file) => file.includes(answer.body)),
        context,
      ).toBe(true);
    }
    if (answer.status < 400) return '';
    if (HTML_PAGES.has(route) && String(answer.headers['content-type']).startsWith('text/html')) {
      // A page for a person: still no sniffing, no framing, no inline script.
      expect(answer.headers['x-content-type-options'], context).toBe('nosniff');
      expect(String(answer.headers['content-security-policy']), context).toMatch(/frame-ancestors 'none'/);
      expect(answer.body, context).not.toMatch(/<script/i);
      return 'HTML';
    }
    if (request.method === 'HEAD') return '';
    let body: unknown;
    expect(() => (body = JSON.parse(answer.body)), context).not.toThrow();
    const error = (body as { error?: Record<string, unknown> } | null)?.error;
    expect(error, context).toBeTypeOf('object');
    expect(error?.code, context).toBeTypeOf('string');
    expect(error?.code, context).toMatch(/^[A-Z][A-Z_]*$/);
    expect(error?.message, context).toBeTypeOf('string');
    expect(error?.message, context).not.toMatch(/\n\s+at /);
    if (error?.path !== undefined) {
      expect(error.path, context).toBeTypeOf('string');
      expect(error.path, context).toMatch(/^(\/.*)?$/s);
    }
    if (error?.issues !== undefined) {
      expect(Array.isArray(error.issues), context).toBe(true);
      for (const issue of error.issues as { path?: unknown; message?: unknown }[]) {
        expect(issue.path, context).toBeTypeOf('string');
        expect(issue.path, context).toMatch(/^(\/.*)?$/s);
        expect(issue.message, context).toBeTypeOf('string');
      }
    }
    expect(answer.headers['x-content-type-options'], context).toBe('nosniff');
    return String(error?.code);
  }

  /**
   * Sends requests at once (one, usually) and checks every property of their answers and of the
   * server after them. When every one was refused, nothing but the audit trail was written.
   */
  async function fuzzTogether(requests: readonly (readonly [string, FuzzRequest])[]): Promise<void> {
    const head = await s.head();
    const before = await snapshot(s.store);
    logged.length = 0;
    const answers = await Promise.all(
      requests.map(([, request]) =>
        withDeadline(
          describeRequest(request),
          exchange({ ...request, headers: { ...headersOf(request.caller), ...request.headers } }),
        ),
      ),
    );
    const log = () => `\nserver log: ${logged.join('').slice(0, 2000)}`;
    requests.forEach(([route, request], i) => {
      const answer = answers[i]!;
      sent += 1;
      perRoute.set(route, (perRoute.get(route) ?? 0) + 1);
      const context = `${describeRequest(request)}\n-> ${answer.status} ${answer.body.slice(0, 500)}${log()}`;
      const tally = `${route} ${answer.status} ${checkAnswer(route, request, answer, context)}`;
      statuses.set(tally, (statuses.get(tally) ?? 0) + 1);
    });
    const context = `${answers.map((a) => a.status).join(', ')}${log()}`;

    if (answers.every((answer) => answer.status >= 400)) {
      // Nothing written but the audit trail.
      const types: string[] = [];
      for await (const event of s.store.log.read({ from: head + 1 })) types.push(event.type);
      expect(
        types.filter((t) => !AUDIT_EVENTS.has(t)),
        context,
      ).toEqual([]);
      expect(await snapshot(s.store), context).toEqual(before);
    } else if (
      requests.some(
        ([, request], i) => request.method !== 'GET' && request.method !== 'HEAD' && answers[i]!.status < 400,
      )
    ) {
      await settle();
      await renewSessions();
    }

    // No prototype polluted, by these requests or any before them.
    expect(prototypeShapes()).toBe(prototypes);
    for (const marker of POLLUTION_MARKERS) expect(({} as Record<string, unknown>)[marker]).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);

    const health = await withDeadline(
      'GET /healthz',
      exchange({ method: 'GET', url: '/healthz', headers: {} }),
    );
    expect(health.status, `${context}\n/healthz: ${health.body}`).toBe(200);
    // Nothing failed out of sight either (the warning engine logs what it survives).
    expect(logged.join(''), context).toBe('');
  }

  it('fuzzes every route the app registers (a new route must be added to the table)', () => {
    expect(registered).toContain('GET /healthz');
    expect([...new Set(registered)].sort()).toEqual([...ROUTE_KEYS].sort());
  });

  for (const key of ROUTE_KEYS) {
    it(`${key}: no 5xx, error shape, nothing written when refused, no pollution`, async () => {
      const spec = routeTable()[key]!;
      await fc.assert(
        fc.asyncProperty(requestArb(key, spec), (request) => fuzzTogether([[key, request]])),
        { numRuns: runs(key), examples: examplesOf(key, spec).map((request) => [request]) },
      );
    });
  }

  it('odd paths and methods: traversal, bad percent-encoding, unknown routes', async () => {
    await fc.assert(
      fc.asyncProperty(strayRequest, (request) => fuzzTogether([[STRAY, request]])),
      { numRuns: runs(STRAY) },
    );
  });

  it('requests at once, to any routes: the same properties (and all refused: nothing written)', async () => {
    const table = routeTable();
    const any = fc.oneof(
      ...ROUTE_KEYS.map((key) => requestArb(key, table[key]!).map((request) => [key, request] as const)),
      strayRequest.map((request) => [STRAY, request] as const),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(any, { minLength: 2, maxLength: 8 }), (requests) => fuzzTogether(requests)),
      { numRuns: runs(TOGETHER) },
    );
  });

  it('sent thousands of requests, every route many times', () => {
    for (const key of ROUTE_KEYS) expect(perRoute.get(key) ?? 0, key).toBeGreaterThanOrEqual(runs(key));
    expect(sent).toBeGreaterThanOrEqual(share * 2_000);
    // The fuzz reached the handlers, not only the doors: some requests of each kind were accepted.
    const accepted = (prefix: string) =>
      [...statuses].filter(([k]) => k.startsWith(prefix) && / 2\d\d /.test(k)).reduce((n, [, c]) => n + c, 0);
    expect(accepted('POST /api/v1/problems/:id/reports ')).toBeGreaterThan(0);
    expect(accepted('GET /api/v1/problems/:id/assessment ')).toBeGreaterThan(0);
  });

  it('security headers on normal answers: CSP without inline scripts, nosniff, no framing', async () => {
    for (const url of ['/healthz', '/api/docs', '/api/v1/problems', '/', '/nowhere']) {
      const response = await s.app.inject({ method: 'GET', url, headers: s.users.viewer.headers });
      const csp = directives(String(response.headers['content-security-policy'] ?? ''));
      const scripts = csp.get('script-src') ?? csp.get('default-src');
      expect(scripts, url).toBeDefined();
      expect(scripts, url).toContain("'self'");
      for (const name of ['script-src', 'default-src', 'script-src-elem', 'script-src-attr']) {
        expect(csp.get(name) ?? [], `${url} ${name}`).not.toContain("'unsafe-inline'");
        expect(csp.get(name) ?? [], `${url} ${name}`).not.toContain("'unsafe-eval'");
      }
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      const frameAncestors = csp.get('frame-ancestors');
      const xfo = String(response.headers['x-frame-options'] ?? '').toUpperCase();
      expect(frameAncestors?.includes("'none'") === true || xfo === 'DENY' || xfo === 'SAMEORIGIN', url).toBe(
        true,
      );
    }
  });
}

describe('rate limit', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(SQLITE, { requestsPerMinute: 5, limitLoopback: true });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('answers 429 with the error shape once a client passes the limit, and writes nothing', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1)
      statuses.push((await s.app.inject({ method: 'GET', url: '/healthz' })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);

    const head = await s.head();
    const limited = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports',
      headers: s.tokens.analyst.headers,
      payload: tinyReport('limited', s),
    });
    expect(limited.statusCode).toBe(429);
    const body = limited.json() as { error?: { code?: unknown; message?: unknown } };
    expect(body.error?.code).toBe('RATE_LIMITED');
    expect(body.error?.message).toBeTypeOf('string');
    expect(body.error?.message).toMatch(/try again/);
    expect(limited.headers['retry-after']).toBeDefined();
    expect(await s.head()).toBe(head);
  });
});

/** A Content-Security-Policy header as directive name -> sources. */
function directives(header: string): Map<string, string[]> {
  return new Map(
    header
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== undefined && parts[0] !== '')
      .map(([name, ...sources]) => [name!.toLowerCase(), sources]),
  );
}
