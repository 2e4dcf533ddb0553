/**
 * Warnings and the organisation through the API (api.md, Warnings), with the warning engine
 * running inside the app on the fake clock: the organisation loaded by an admin and its contact
 * details kept out of the log; a warning raised by reports, listed with who was told, read as
 * `mine` by its recipient, acknowledged by the people allowed to, guarded against stale reads;
 * its evidence redacted for a reader without the clearance; and its CAP 1.2 alerts and feed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES } from '../../src/app/access.js';
import { estimativeWords } from '../../src/core/words.js';
import { capDateTime } from '../../src/warn/cap.js';
import { startTestServer, type Caller, type TestServer } from './server-fixture.js';
import {
  gradedReport,
  levelNow,
  listed,
  lower,
  post,
  raise,
  theOpenWarning,
  type WarningView,
} from './warnings-fixture.js';
import { CAP_DIR, needXmllint, validateCap, wellFormed } from '../warn/xmllint.js';

/** CAP 1.2, 3.3.2: whole seconds and a numeric offset. */
const CAP_SENT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[-+]\d{2}:\d{2}$/;

/** People with names, emails and webhooks that must never reach the log. */
function organisation(extra: Record<string, unknown> = {}) {
  return {
    people: [
      {
        id: 'watch-1',
        name: 'Wilhelmina Watchkeeper',
        user: 'watcher',
        email: 'wilhelmina.watch@example.org',
        webhook: 'https://hooks.example.org/wilhelmina-secret-path',
      },
      {
        id: 'duty-1',
        name: 'Desmond Dutyofficer',
        user: 'user-duty-officer',
        email: 'desmond.duty@example.org',
      },
    ],
    roles: [
      { id: 'watch', title: 'Watch officer', holder: 'watch-1', deputies: [] },
      { id: 'duty', title: 'Duty officer', holder: 'duty-1', deputies: [] },
    ],
    absences: [],
    policies: [
      {
        problem: 'tiny',
        control: 'duty',
        materialChange: 0.1,
        levels: { warning: [{ notify: ['role:watch'] }, { wait: 600 }, { notify: ['role:duty'] }] },
      },
    ],
    ...extra,
  };
}
const CONTACT_DETAILS = [
  'Wilhelmina Watchkeeper',
  'wilhelmina.watch@example.org',
  'hooks.example.org',
  'wilhelmina-secret-path',
  'Desmond Dutyofficer',
  'desmond.duty@example.org',
];

async function putOrganisation(server: TestServer, body: unknown, caller: Caller = server.tokens.admin) {
  return server.app.inject({
    method: 'PUT',
    url: '/api/v1/organisation',
    headers: caller.headers,
    payload: body as Record<string, unknown>,
  });
}

async function acknowledge(
  server: TestServer,
  id: string,
  caller: Caller,
  body: Record<string, unknown> = {},
) {
  return server.app.inject({
    method: 'POST',
    url: `/api/v1/warnings/${id}/acknowledge`,
    headers: caller.headers,
    payload: body,
  });
}

async function getCap(
  server: TestServer,
  id: string,
  caller: Caller = server.tokens.viewer,
): Promise<string> {
  const answer = await server.app.inject({
    method: 'GET',
    url: `/api/v1/warnings/${id}/cap`,
    headers: caller.headers,
  });
  expect(answer.statusCode, answer.body).toBe(200);
  expect(answer.headers['content-type']).toBe('application/cap+xml; charset=utf-8');
  return answer.body;
}

function field(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

async function loggedEvents(server: TestServer) {
  const events = [];
  for await (const event of server.store.log.read()) events.push(event);
  return events;
}

describe('the organisation through the API', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('is replaced by an admin (200 with counts) and read back by an admin with its contact details', async () => {
    const put = await putOrganisation(server, organisation(), server.users.admin);
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json()).toMatchObject({ seq: expect.any(Number), people: 2, roles: 2, policies: 1 });
    const got = await server.app.inject({
      method: 'GET',
      url: '/api/v1/organisation',
      headers: server.users.admin.headers,
    });
    expect(got.statusCode).toBe(200);
    const body = got.json() as {
      people: { id: string; channels: string[] }[];
      contacts: Record<string, unknown>[];
      roles: unknown[];
    };
    expect(body.people).toEqual([
      { id: 'watch-1', user: 'watcher', channels: ['in-app', 'email', 'webhook'] },
      { id: 'duty-1', user: 'user-duty-officer', channels: ['in-app', 'email'] },
    ]);
    expect(body.contacts).toEqual([
      {
        person: 'duty-1',
        name: 'Desmond Dutyofficer',
        user: 'user-duty-officer',
        email: 'desmond.duty@example.org',
      },
      {
        person: 'watch-1',
        name: 'Wilhelmina Watchkeeper',
        user: 'watcher',
        email: 'wilhelmina.watch@example.org',
        webhook: 'https://hooks.example.org/wilhelmina-secret-path',
      },
    ]);
    expect(body.roles).toHaveLength(2);
  });

  it('refuses a reference to nobody with 400 and the JSON Pointer of the reference', async () => {
    const doc = organisation();
    doc.roles[1] = { id: 'duty', title: 'Duty officer', holder: 'nobody', deputies: [] };
    const answer = await putOrganisation(server, doc);
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({
      error: { code: 'REQUEST_INVALID', path: '/roles/1/holder', message: expect.stringContaining('nobody') },
    });
  });

  it('names every bad reference when there are several', async () => {
    const doc = organisation({
      absences: [
        { person: 'ghost', from: '2023-10-07T00:00:00Z', to: '2023-10-08T00:00:00Z', delegate: 'phantom' },
      ],
    });
    const answer = await putOrganisation(server, doc);
    expect(answer.statusCode).toBe(400);
    const paths = (answer.json() as { error: { issues: { path: string }[] } }).error.issues.map(
      (i) => i.path,
    );
    expect(paths).toEqual(['/absences/0/person', '/absences/0/delegate']);
  });

  it('refuses an unknown field with 400 and its pointer', async () => {
    const doc = organisation();
    const answer = await putOrganisation(server, {
      ...doc,
      people: [{ ...doc.people[0], phone: '+44 20 7946 0000' }, doc.people[1]],
    });
    expect(answer.statusCode).toBe(400);
    expect(answer.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/people/0/phone' } });
    const top = await putOrganisation(server, { ...doc, secretariat: [] });
    expect(top.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path: '/secretariat' } });
  });

  it('is neither replaced nor read by anyone but an admin (403)', async () => {
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      for (const caller of [server.users[role], server.tokens[role]]) {
        const put = await putOrganisation(server, organisation(), caller);
        expect({ role, status: put.statusCode }).toEqual({ role, status: 403 });
        expect(put.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
        const got = await server.app.inject({
          method: 'GET',
          url: '/api/v1/organisation',
          headers: caller.headers,
        });
        expect({ role, status: got.statusCode }).toEqual({ role, status: 403 });
        expect(got.body).not.toContain('example.org');
      }
    }
  });

  it('keeps names, emails and webhooks out of the log: every event is searched', async () => {
    const events = await loggedEvents(server);
    const defined = events.filter((e) => e.type === 'organisation.defined');
    expect(defined.length).toBeGreaterThanOrEqual(1);
    expect(defined[0]!.data).toMatchObject({
      organisation: {
        people: [{ id: 'watch-1', channels: ['in-app', 'email', 'webhook'] }, { id: 'duty-1' }],
      },
    });
    const text = JSON.stringify(events);
    for (const detail of CONTACT_DETAILS) expect(text, detail).not.toContain(detail);
  });
});

describe('a warning through the API', () => {
  let server: TestServer;
  let watcher: Caller;
  let warning: WarningView;
  let firstCap: string;

  beforeAll(async () => {
    server = await startTestServer();
    watcher = await server.userWith('watcher', ['viewer'], 'SECRET');
    expect((await putOrganisation(server, organisation())).statusCode).toBe(200);
    await raise(server);
    warning = await theOpenWarning(server);
    firstCap = await getCap(server, warning.id);
  });
  afterAll(async () => {
    await server.close();
  });

  it('opens when reports raise the level, and is listed with its level, pDangerous, words and who was told', async () => {
    const [shown, ...others] = await listed(server, server.users.viewer);
    expect(others).toEqual([]);
    expect(shown).toMatchObject({
      id: warning.id,
      problem: 'tiny',
      state: 'open',
      version: 1,
      acknowledged: false,
      level: 'warning',
    });
    expect(shown!.pDangerous).toBeGreaterThan(0.5);
    expect(shown!.words).toBe(estimativeWords(shown!.pDangerous));
    expect(shown!.notified).toMatchObject([
      { person: 'watch-1', version: 1, reason: 'holder', role: 'watch' },
    ]);
    expect(shown!.versions).toMatchObject([{ version: 1, reason: 'opened', level: 'warning' }]);
    // Unless someone acknowledges first, the escalation goes on to the duty officer in 10 minutes.
    expect(shown!.nextStep).toMatchObject({ version: 1, step: 2 });
    expect(Date.parse(shown!.nextStep!.due) - Date.parse(shown!.openedAt)).toBeGreaterThanOrEqual(600_000);
    expect(Date.parse(shown!.nextStep!.due) - Date.parse(shown!.openedAt)).toBeLessThan(610_000);
    const one = await server.app.inject({
      method: 'GET',
      url: `/api/v1/warnings/${warning.id}`,
      headers: server.users.viewer.headers,
    });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toMatchObject({
      id: warning.id,
      level: 'warning',
      pDangerous: shown!.pDangerous,
      notified: [{ person: 'watch-1' }],
    });
  });

  it('?mine=true shows it to the person it was sent to, and not to others', async () => {
    expect((await listed(server, watcher, '?mine=true')).map((w) => w.id)).toEqual([warning.id]);
    // A person of the organisation who was not told; a user who is no person; a token.
    for (const caller of [server.users['duty-officer'], server.users.viewer, server.tokens.viewer])
      expect(await listed(server, caller, '?mine=true')).toEqual([]);
    expect((await listed(server, server.users.viewer, '?mine=false')).map((w) => w.id)).toEqual([warning.id]);
  });

  it('refuses a bad query with 400 and its pointer', async () => {
    for (const [query, path] of [
      ['?state=closed', '/query/state'],
      ['?mine=yes', '/query/mine'],
      ['?colour=red', '/query/colour'],
    ] as const) {
      const answer = await server.app.inject({
        method: 'GET',
        url: `/api/v1/warnings${query}`,
        headers: server.users.viewer.headers,
      });
      expect({ query, status: answer.statusCode }).toEqual({ query, status: 400 });
      expect(answer.json()).toMatchObject({ error: { code: 'REQUEST_INVALID', path } });
    }
  });

  it('is its first version as a CAP Alert that validates', async (context) => {
    expect(field(firstCap, 'identifier')).toBe(`vigil-${warning.id}-1`);
    expect(field(firstCap, 'msgType')).toBe('Alert');
    expect(field(firstCap, 'sender')).toBe('vigil@localhost');
    expect(field(firstCap, 'sent')).toMatch(CAP_SENT);
    expect(field(firstCap, 'event')).toBe('Is the bridge going to be blown?');
    expect(firstCap).toContain(
      `<valueName>pDangerous</valueName>\n        <value>${warning.pDangerous}</value>`,
    );
    needXmllint(context);
    expect(validateCap(firstCap).messages).toBe('- validates\n');
  });

  it('may not be acknowledged by a viewer it was not sent to (403), nor by a session without its CSRF token', async () => {
    const refused = await acknowledge(server, warning.id, server.users.viewer);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    const { 'x-csrf-token': _csrf, ...cookieOnly } = server.users['duty-officer'].headers;
    const noCsrf = await server.app.inject({
      method: 'POST',
      url: `/api/v1/warnings/${warning.id}/acknowledge`,
      headers: cookieOnly,
      payload: {},
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json()).toMatchObject({ error: { code: 'CSRF' } });
    expect((await loggedEvents(server)).filter((e) => e.type === 'warning.acknowledged')).toEqual([]);
    expect((await listed(server, server.users.viewer, '?state=acknowledged')).map((w) => w.id)).toEqual([]);
  });

  it('is acknowledged by a duty officer (201); then it shows acknowledged, under ?state=acknowledged and no longer under open', async () => {
    const answer = await acknowledge(server, warning.id, server.users['duty-officer'], {
      version: 1,
      note: 'read, calling the bridge guard',
    });
    expect(answer.statusCode, answer.body).toBe(201);
    expect(answer.json()).toMatchObject({
      warning: warning.id,
      version: 1,
      person: 'duty-1',
      via: 'in-app',
      note: 'read, calling the bridge guard',
      judgment: { level: 'warning' },
    });
    const [shown] = await listed(server, server.users.viewer, '?state=acknowledged');
    expect(shown).toMatchObject({
      id: warning.id,
      acknowledged: true,
      acknowledgments: [{ version: 1, person: 'duty-1' }],
    });
    // Acknowledged: the escalation has no next step.
    expect(shown!.nextStep).toBeUndefined();
    expect(await listed(server, server.users.viewer, '?state=open')).toEqual([]);
    expect((await listed(server, server.users.viewer, '?state=all')).map((w) => w.id)).toEqual([warning.id]);
  });

  it('is acknowledged by the person it was sent to, whatever their role', async () => {
    const answer = await acknowledge(server, warning.id, watcher);
    expect(answer.statusCode, answer.body).toBe(201);
    expect(answer.json()).toMatchObject({ version: 1, person: 'watch-1' });
  });

  it('changes materially: version 2, open again until acknowledged, and an acknowledgment of version 1 is 409 WARNING_STALE', async () => {
    for (let k = 0; k < 10 && (await theOpenWarning(server)).version === 1; k++)
      await post(server, [gradedReport(server, 'trucks', 'present')]);
    const now = await theOpenWarning(server);
    expect(now).toMatchObject({
      version: 2,
      acknowledged: false,
      versions: [{ version: 1 }, { version: 2, reason: 'material-change' }],
    });
    expect(now.notified.map((n) => [n.person, n.version])).toEqual([
      ['watch-1', 1],
      ['watch-1', 2],
    ]);
    expect((await listed(server, server.users.viewer, '?state=open')).map((w) => w.id)).toEqual([warning.id]);
    const stale = await acknowledge(server, warning.id, server.users['duty-officer'], { version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ error: { code: 'WARNING_STALE', path: '/version' } });
    const fresh = await acknowledge(server, warning.id, server.users['duty-officer'], { version: 2 });
    expect(fresh.statusCode).toBe(201);
  });

  it('is then a CAP Update referencing version 1, and listed in the feed', async (context) => {
    const cap = await getCap(server, warning.id);
    expect(field(cap, 'identifier')).toBe(`vigil-${warning.id}-2`);
    expect(field(cap, 'msgType')).toBe('Update');
    expect(field(cap, 'references')).toBe(`vigil@localhost,vigil-${warning.id}-1,${field(firstCap, 'sent')}`);
    const feed = await server.app.inject({
      method: 'GET',
      url: '/api/v1/warnings/cap',
      headers: server.tokens.viewer.headers,
    });
    expect(feed.statusCode).toBe(200);
    expect(feed.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    expect(feed.body).toContain(
      `<link rel="alternate" type="application/cap+xml" href="/api/v1/warnings/${warning.id}/cap"/>`,
    );
    expect(feed.body.match(/<entry>/g)).toHaveLength(1);
    needXmllint(context);
    expect(validateCap(cap).ok).toBe(true);
    expect(wellFormed(feed.body).ok).toBe(true);
  });

  it('answers 404 for an unknown warning on every warning route', async () => {
    for (const [method, url] of [
      ['GET', '/api/v1/warnings/no-such-warning'],
      ['GET', '/api/v1/warnings/no-such-warning/cap'],
      ['POST', '/api/v1/warnings/no-such-warning/acknowledge'],
    ] as const) {
      const answer = await server.app.inject({
        method,
        url,
        headers: server.users['duty-officer'].headers,
        ...(method === 'POST' ? { payload: {} } : {}),
      });
      expect({ url, status: answer.statusCode }).toEqual({ url, status: 404 });
      expect(answer.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    }
  });

  it('reads no XML: a CAP document (the XXE example) as a body is 415, never parsed', async () => {
    const hostile = readFileSync(`${CAP_DIR}examples/xee.cap`, 'utf8');
    for (const type of ['application/xml', 'application/cap+xml', 'text/xml']) {
      const ack = await server.app.inject({
        method: 'POST',
        url: `/api/v1/warnings/${warning.id}/acknowledge`,
        headers: { ...server.tokens['duty-officer'].headers, 'content-type': type },
        payload: hostile,
      });
      expect({ type, status: ack.statusCode }).toEqual({ type, status: 415 });
      expect(ack.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
      const org = await server.app.inject({
        method: 'PUT',
        url: '/api/v1/organisation',
        headers: { ...server.tokens.admin.headers, 'content-type': type },
        payload: hostile,
      });
      expect({ type, status: org.statusCode }).toEqual({ type, status: 415 });
    }
    // Nor does any source file register a body parser, or import a parser, for XML.
    const src = fileURLToPath(new URL('../../src/', import.meta.url));
    const files = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const text = readFileSync(join(src, file), 'utf8');
      expect(text, file).not.toMatch(/addContentTypeParser\([^)]*xml/i);
      expect(text, file).not.toMatch(
        /from ['"](fast-xml-parser|xml2js|@xmldom\/xmldom|libxmljs2?|sax|xmldom|xml-js|saxes)['"]/,
      );
    }
  });

  it('closes when the level falls back: an all-clear CAP Update, in the feed for a day, then gone', async (context) => {
    await lower(server);
    const closed = (await listed(server, server.tokens.viewer, '?state=all'))[0]!;
    expect(closed).toMatchObject({ id: warning.id, state: 'closed', level: 'normal' });
    // On the way down the warning may change materially again; its last version is the all-clear.
    const last = closed.versions.at(-1)!;
    expect(last).toMatchObject({ version: closed.version, reason: 'all-clear' });
    expect(await listed(server, server.tokens.viewer)).toEqual([]);
    const cap = await getCap(server, warning.id, server.tokens.viewer);
    expect(field(cap, 'identifier')).toBe(`vigil-${warning.id}-${closed.version}`);
    expect(field(cap, 'msgType')).toBe('Update');
    expect(field(cap, 'responseType')).toBe('AllClear');
    expect(field(cap, 'urgency')).toBe('Past');
    expect(field(cap, 'references')!.split(' ')).toEqual(
      closed.versions
        .slice(0, -1)
        .map((v) => `vigil@localhost,vigil-${warning.id}-${v.version},${capDateTime(v.at)}`),
    );
    const feed = async () =>
      (
        await server.app.inject({
          method: 'GET',
          url: '/api/v1/warnings/cap',
          headers: server.tokens.viewer.headers,
        })
      ).body;
    expect(await feed()).toContain(`<title>All clear: Is the bridge going to be blown?</title>`);
    server.clock.set(server.clock.now().getTime() + 25 * 3600 * 1000);
    expect(await feed()).not.toContain('<entry>');
    needXmllint(context);
    expect(validateCap(cap).messages).toBe('- validates\n');
    expect(wellFormed(await feed()).ok).toBe(true);
  });

  it('has, over its whole life, put no name, email or webhook of the people it reached into the log', async () => {
    const text = JSON.stringify(await loggedEvents(server));
    expect(text).toContain('"person":"watch-1"');
    for (const detail of CONTACT_DETAILS) expect(text, detail).not.toContain(detail);
  });
});

describe("a warning's evidence and need-to-know", () => {
  let server: TestServer;
  let cleared: Caller;
  let uncleared: Caller;
  const SECRET_REPORT = 'secret-trucks-sighting';

  beforeAll(async () => {
    server = await startTestServer();
    cleared = await server.userWith('cleared-viewer', ['viewer'], 'SECRET');
    uncleared = await server.userWith('uncleared-viewer', ['viewer'], 'UNCLASSIFIED');
    // Scouts alone stay below the threshold; the SECRET trucks report carries it over.
    await post(server, [gradedReport(server, 'scouts', 'present', { id: 'open-scouts-sighting' })]);
    await post(server, [
      gradedReport(server, 'trucks', 'present', { id: SECRET_REPORT, classification: 'SECRET' }),
    ]);
    expect(await levelNow(server)).toBe('warning');
  });
  afterAll(async () => {
    await server.close();
  });

  it('names the dominant SECRET report to a reader cleared for it', async () => {
    const [w] = await listed(server, cleared);
    expect(w!.judgment.evidence[0]!.report).toBe(SECRET_REPORT);
    expect(w!.judgment.withheld).toBe(0);
  });

  it('withholds it from a reader cleared UNCLASSIFIED, in the list, the warning and its CAP alert, with the same probability', async () => {
    const [seen] = await listed(server, cleared);
    const [w] = await listed(server, uncleared);
    expect(w!.judgment.withheld).toBeGreaterThanOrEqual(1);
    expect(w!.judgment.evidence.map((e) => e.report)).toEqual(['open-scouts-sighting']);
    expect(w!.pDangerous).toBe(seen!.pDangerous);
    for (const url of [
      '/api/v1/warnings',
      '/api/v1/warnings?state=all',
      `/api/v1/warnings/${w!.id}`,
      `/api/v1/warnings/${w!.id}/cap`,
      '/api/v1/warnings/cap',
    ]) {
      const answer = await server.app.inject({ method: 'GET', url, headers: uncleared.headers });
      expect(answer.statusCode, url).toBe(200);
      expect(answer.body, url).not.toContain(SECRET_REPORT);
    }
  });
});
