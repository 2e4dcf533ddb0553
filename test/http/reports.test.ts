/**
 * Reports and problems over HTTP (api.md, Problems and assessments, Reports): ingest single and
 * batch, all or nothing, idempotent retries, `received` and backfill, problem versions, and
 * assessments that equal the core's `assessJson` on the same reports at the same instant.
 * Need-to-know is tested elsewhere.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assessJson, type AssessmentJson } from '../../src/core/assess.js';
import type { Correction } from '../../src/core/corrections.js';
import type { Problem, Report } from '../../src/core/model.js';
import { validateProblem } from '../../src/core/problem-schema.js';
import { validateReport } from '../../src/core/report-schema.js';
import type { StoredEvent } from '../../src/log/event.js';
import {
  START,
  TINY_PROBLEM,
  startTestServer,
  tinyReport,
  type Caller,
  type TestServer,
} from './server-fixture.js';

const MINUTE = 60_000;
const TINY = (validateProblem(TINY_PROBLEM) as { ok: true; value: Problem }).value;

/** Asserts the error shape of api.md: `{"error": {"code", "message", "path"?}}` and nothing else at the top. */
function expectError(
  response: LightMyRequestResponse,
  status: number,
  code: string,
  path?: string,
): {
  code: string;
  message: string;
  path?: string;
  issues?: { path: string; message: string }[];
  items?: { index: number }[];
} {
  expect({ status: response.statusCode, body: response.body }).toMatchObject({ status });
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  const body = response.json() as { error: ReturnType<typeof expectError> };
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toBe(code);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (path !== undefined) expect(body.error.path).toBe(path);
  if (body.error.path !== undefined) expect(typeof body.error.path).toBe('string');
  return body.error;
}

async function events(s: TestServer, from: number, stream: string): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  for await (const event of s.store.log.read({ from, stream })) out.push(event);
  return out;
}

async function reportCount(s: TestServer): Promise<number> {
  const rows = await s.store.db.all<{ n: number }>('SELECT count(*) AS n FROM proj_reports');
  return Number(rows[0]?.n ?? 0);
}

function post(s: TestServer, payload: object, caller: Caller = s.tokens.analyst, problem = 'tiny') {
  return s.app.inject({
    method: 'POST',
    url: `/api/v1/problems/${problem}/reports`,
    headers: caller.headers,
    payload,
  });
}

/**
 * Runs `act` and asserts that no report was recorded and no event appended meanwhile, but the
 * `token.used` events of the tokens that made the requests (at most one a minute per token).
 */
async function expectNothingWritten(s: TestServer, act: () => Promise<void>): Promise<void> {
  const head = await s.head();
  const count = await reportCount(s);
  await act();
  const appended: StoredEvent[] = [];
  for await (const event of s.store.log.read({ from: head + 1 })) appended.push(event);
  expect(appended.filter((e) => e.type !== 'token.used')).toEqual([]);
  expect(await reportCount(s)).toBe(count);
}

/** The id of a caller's principal. */
async function principalId(s: TestServer, caller: Caller): Promise<string> {
  return (
    (await s.app.inject({ method: 'GET', url: '/api/v1/session', headers: caller.headers })).json() as {
      user: { id: string };
    }
  ).user.id;
}

describe('ingest', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('one report: 201 {accepted, duplicates, seq} once its event is in the log; the server clock sets received', async () => {
    s.clock.set(START + 10 * MINUTE);
    const before = await s.head();
    const report = tinyReport('single', s, { at: new Date(START + 5 * MINUTE).toISOString() });
    const response = await post(s, report);
    expect(response.statusCode).toBe(201);
    const head = await s.head();
    expect(response.json()).toEqual({ accepted: 1, duplicates: 0, seq: head });

    const [event, ...more] = await events(s, before + 1, 'tiny');
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      seq: head,
      type: 'report.received',
      actor: await principalId(s, s.tokens.analyst),
    });
    expect(event!.data).toMatchObject({
      backfilled: false,
      classification: 'UNCLASSIFIED',
      compartments: [],
      report: { id: 'single', indicator: 'scouts', observed: 'present', source: 'src-single' },
    });
    const wire = event!.data.report as { at: string; received: string };
    expect(Date.parse(wire.at)).toBe(START + 5 * MINUTE);
    expect(Date.parse(wire.received)).toBe(START + 10 * MINUTE);
  });

  it('a batch: every report accepted, one event each, seq of the last', async () => {
    const before = await s.head();
    const response = await post(s, {
      reports: [
        tinyReport('batch-0', s),
        tinyReport('batch-1', s, { observed: 'absent' }),
        tinyReport('batch-2', s, { indicator: 'trucks' }),
      ],
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ accepted: 3, duplicates: 0, seq: await s.head() });
    const written = await events(s, before + 1, 'tiny');
    expect(written.map((e) => (e.data.report as { id: string }).id)).toEqual([
      'batch-0',
      'batch-1',
      'batch-2',
    ]);
  });

  it('the same report again is accepted without change (a safe retry), even later', async () => {
    const report = tinyReport('retried', s);
    expect((await post(s, report)).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    s.clock.set(s.clock.now().getTime() + MINUTE);
    await expectNothingWritten(s, async () => {
      const again = await post(s, report);
      expect(again.statusCode).toBe(201);
      expect(again.json()).toMatchObject({ accepted: 0, duplicates: 1 });
    });
    const mixed = await post(s, { reports: [report, tinyReport('retried-new', s)] });
    expect(mixed.statusCode).toBe(201);
    expect(mixed.json()).toEqual({ accepted: 1, duplicates: 1, seq: await s.head() });
  });

  it('the same id with other content is 409 REPORT_ID_CONFLICT naming the index; nothing is written', async () => {
    const original = tinyReport('conflicted', s);
    expect((await post(s, original)).statusCode).toBe(201);
    const changed = { ...original, reliability: 'E' };
    await expectNothingWritten(s, async () => {
      const batch = expectError(
        await post(s, { reports: [tinyReport('innocent', s), changed] }),
        409,
        'REPORT_ID_CONFLICT',
      );
      expect(batch.issues?.map((i) => i.path)).toEqual(['/reports/1']);
      expect(batch.items).toEqual([{ index: 1, id: 'conflicted' }]);
      expect(batch.message).toContain('conflicted');
      expectError(await post(s, changed), 409, 'REPORT_ID_CONFLICT');
    });
  });

  it('a batch with bad items is 400 naming every bad item by index, whatever is wrong with each; nothing is written', async () => {
    const future = new Date(s.clock.now().getTime() + 5 * MINUTE).toISOString();
    const reports = [
      tinyReport('mixed-0', s),
      tinyReport('mixed-1', s, { colour: 'red' }),
      tinyReport('mixed-2', s),
      tinyReport('mixed-3', s, { indicator: 'tanks' }),
      tinyReport('mixed-4', s, { at: future }),
      tinyReport('mixed-5', s, { reliability: 'Z', credibility: 9 }),
      tinyReport('mixed-6', s, { sensitivity: 0.9 }),
    ];
    await expectNothingWritten(s, async () => {
      const error = expectError(await post(s, { reports }), 400, 'REPORT_INVALID');
      const paths = error.issues!.map((i) => i.path);
      expect(paths).toEqual(
        expect.arrayContaining([
          '/reports/1/colour',
          '/reports/3/indicator',
          '/reports/4/at',
          '/reports/5/reliability',
          '/reports/5/credibility',
          '/reports/6/falseAlarmRate',
        ]),
      );
      const indexes = new Set(paths.map((p) => Number(p.split('/')[2])));
      expect([...indexes].sort()).toEqual([1, 3, 4, 5, 6]);
      expect(error.items!.map((i) => i.index)).toEqual([1, 3, 4, 5, 6]);
    });
    // The good ones were not written either: they go in now, as new.
    expect((await post(s, { reports: [reports[0]!, reports[2]!] })).json()).toMatchObject({
      accepted: 2,
      duplicates: 0,
    });
  });

  it('a batch of more than 10,000 reports is 400 at /reports; an empty one too; nothing is written', async () => {
    const reports = Array.from({ length: 10_001 }, (_, i) => tinyReport(`big-${i}`, s));
    await expectNothingWritten(s, async () => {
      expectError(await post(s, { reports }), 400, 'REQUEST_INVALID', '/reports');
      expectError(await post(s, { reports: [] }), 400, 'REQUEST_INVALID', '/reports');
      expectError(await post(s, { reports: 'many' }), 400, 'REQUEST_INVALID', '/reports');
      expectError(
        await post(s, { reports: [tinyReport('x', s)], source: 'batch' }),
        400,
        'REQUEST_INVALID',
        '/source',
      );
    });
  });

  it('an unknown field, a wrong type, a missing field and an unknown indicator are 400 with the pointer', async () => {
    await expectNothingWritten(s, async () => {
      expectError(await post(s, tinyReport('f1', s, { colour: 'red' })), 400, 'REPORT_INVALID', '/colour');
      expectError(
        await post(s, tinyReport('f2', s, { observed: 'maybe' })),
        400,
        'REPORT_INVALID',
        '/observed',
      );
      expectError(await post(s, tinyReport('f3', s, { at: 'yesterday' })), 400, 'REPORT_INVALID', '/at');
      const { indicator: _indicator, ...missing } = tinyReport('f4', s);
      expectError(await post(s, missing), 400, 'REPORT_INVALID', '/indicator');
      expectError(
        await post(s, tinyReport('f5', s, { indicator: 'tanks' })),
        400,
        'REPORT_INVALID',
        '/indicator',
      );
      expectError(
        await post(s, tinyReport('f6', s, { classification: 'COSMIC' })),
        400,
        'REPORT_INVALID',
        '/classification',
      );
    });
  });

  it('`received` from anyone but an admin is 403 with its pointer; nothing is written but the refusal', async () => {
    const received = s.clock.now().toISOString();
    for (const [payload, path] of [
      [tinyReport('early', s, { received }), '/received'],
      [
        { reports: [tinyReport('early-0', s), tinyReport('early-1', s, { received })] },
        '/reports/1/received',
      ],
    ] as const) {
      for (const caller of [s.tokens.analyst, s.users['senior-analyst']]) {
        const head = await s.head();
        const count = await reportCount(s);
        expectError(await post(s, payload, caller), 403, 'FORBIDDEN', path);
        expect(await reportCount(s)).toBe(count);
        const appended = await events(s, head + 1, 'system');
        expect(appended).toEqual([
          expect.objectContaining({
            type: 'access.refused',
            actor: await principalId(s, caller),
            data: expect.objectContaining({ action: 'report.backfill' }),
          }),
        ]);
        expect(await s.head()).toBe(head + 1);
      }
    }
  });

  it('`received` from an admin loads history: 201, the event is marked backfilled and keeps it', async () => {
    const before = await s.head();
    const history = tinyReport('history', s, {
      at: '2023-10-01T04:00:00Z',
      received: '2023-10-01T05:30:00Z',
    });
    const response = await post(s, history, s.tokens.admin);
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ accepted: 1, duplicates: 0, seq: await s.head() });
    const [event] = await events(s, before + 1, 'tiny');
    expect(event!.data).toMatchObject({ backfilled: true, report: { id: 'history' } });
    const wire = event!.data.report as { at: string; received: string };
    expect(Date.parse(wire.received)).toBe(Date.parse('2023-10-01T05:30:00Z'));
    expect(Date.parse(wire.at)).toBe(Date.parse('2023-10-01T04:00:00Z'));
    // Loaded again, it is the same report.
    expect((await post(s, history, s.tokens.admin)).json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('a body with a member given twice, or named __proto__, is 400 at that member; nothing written', async () => {
    const text = JSON.stringify(tinyReport('twice', s));
    const raw = (payload: string) =>
      s.app.inject({ method: 'POST', url: '/api/v1/problems/tiny/reports', headers: { ...s.tokens.analyst.headers, 'content-type': 'application/json' }, payload });
    for (const [payload, path] of [
      // JSON.parse would keep the last "observed": the sender may have meant the first.
      [text.slice(0, -1) + ',"observed":"absent"}', '/observed'],
      [`{"reports":[${text},${text.slice(0, -1)},"observed":"absent"}]}`, '/reports/1/observed'],
      [text.slice(0, -1) + ',"__proto__":{"classification":"TOP SECRET"}}', '/__proto__'],
    ] as const) {
      await expectNothingWritten(s, async () => {
        const error = expectError(await raw(payload), 400, 'REQUEST_INVALID', path);
        expect(error.message).toMatch(/twice|__proto__/);
      });
    }
    // Not JSON at all, or nothing: 400 saying so.
    expect(expectError(await raw('{"id":'), 400, 'REQUEST_INVALID').message).toMatch(/not valid JSON/);
    expect(expectError(await raw(''), 400, 'REQUEST_INVALID').message).toMatch(/empty/);
    // The same report written once is accepted.
    expect((await raw(text)).statusCode).toBe(201);
  });

  it('a report string with a lone surrogate is 400 naming the field in the batch; nothing written', async () => {
    await expectNothingWritten(s, async () => {
      const error = expectError(
        await post(s, { reports: [tinyReport('sur-0', s), { ...tinyReport('sur-1', s), text: 'seen \ud800 at dawn' }] }),
        400,
        'REPORT_INVALID',
        '/reports/1/text',
      );
      expect(error.message).toContain('lone surrogate');
    });
  });

  it('a batch that loads history must give every report its own `received`: a mixed batch is 400 at the first without, nothing written', async () => {
    const now = s.clock.now().getTime();
    const history = (id: string) => tinyReport(id, s, { at: '2023-10-01T04:00:00Z', received: '2023-10-01T05:30:00Z' });
    // Without the rule, the live report would be stored as history, its future `at` unchecked.
    const live = tinyReport('mixed-live', s, { at: new Date(now + 365 * 24 * 3_600_000).toISOString() });
    for (const reports of [
      [history('mixed-h0'), live],
      [live, history('mixed-h1')],
    ]) {
      await expectNothingWritten(s, async () => {
        const index = reports.indexOf(live);
        expectError(await post(s, { reports }, s.tokens.admin), 400, 'REPORT_INVALID', `/reports/${index}/received`);
      });
    }
    // Each way of receiving on its own is fine, and a retry of either is a duplicate.
    const alone = tinyReport('mixed-alone', s);
    expect((await post(s, { reports: [alone] }, s.tokens.admin)).statusCode).toBe(201);
    expect((await post(s, { reports: [history('mixed-h2'), history('mixed-h3')] }, s.tokens.admin)).json()).toMatchObject({ accepted: 2 });
    expect((await post(s, alone, s.tokens.admin)).json()).toMatchObject({ accepted: 0, duplicates: 1 });
  });

  it('`at` more than a minute ahead of the server clock is 400 at /at; within the minute it is accepted', async () => {
    const now = s.clock.now().getTime();
    await expectNothingWritten(s, async () => {
      expectError(
        await post(s, tinyReport('ahead', s, { at: new Date(now + MINUTE + 1_000).toISOString() })),
        400,
        'REPORT_INVALID',
        '/at',
      );
    });
    const within = await post(
      s,
      tinyReport('slightly-ahead', s, { at: new Date(now + 30_000).toISOString() }),
    );
    expect(within.statusCode).toBe(201);
  });

  it('posting to an unknown problem is 404 PROBLEM_NOT_FOUND', async () => {
    await expectNothingWritten(s, async () => {
      expectError(
        await post(s, tinyReport('lost', s), s.tokens.analyst, 'no-such-problem'),
        404,
        'PROBLEM_NOT_FOUND',
      );
    });
  });

  it('a bad header the route names is 400 at /headers/...; a body that is not an object is 400; nothing is written', async () => {
    await expectNothingWritten(s, async () => {
      const headers = { ...s.tokens.analyst.headers, 'x-csrf-token': 'x'.repeat(201) };
      const bad = await s.app.inject({ method: 'POST', url: '/api/v1/problems/tiny/reports', headers, payload: tinyReport('h1', s) });
      expectError(bad, 400, 'REQUEST_INVALID', '/headers/x-csrf-token');
      for (const payload of ['[]', '"report"', '42']) {
        const response = await s.app.inject({
          method: 'POST',
          url: '/api/v1/problems/tiny/reports',
          headers: { ...s.tokens.analyst.headers, 'content-type': 'application/json' },
          payload,
        });
        expectError(response, 400, 'REQUEST_INVALID');
      }
    });
  });

  it('lists the reports in the order received, with their marking', async () => {
    const response = await s.app.inject({
      method: 'GET',
      url: '/api/v1/problems/tiny/reports?limit=2',
      headers: s.tokens.viewer.headers,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as {
      reports: { id: string; seq: number; classification: string; backfilled: boolean }[];
      next: number | null;
    };
    expect(body.reports.map((r) => r.id)).toEqual(['single', 'batch-0']);
    expect(body.reports[0]).toMatchObject({ classification: 'UNCLASSIFIED', backfilled: false });
    expect(body.next).toBe(body.reports[1]!.seq);
    const rest = await s.app.inject({
      method: 'GET',
      url: `/api/v1/problems/tiny/reports?after=${body.next}&limit=1`,
      headers: s.tokens.viewer.headers,
    });
    expect((rest.json() as { reports: { id: string }[] }).reports.map((r) => r.id)).toEqual(['batch-1']);
  });
});

describe('problems', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.close();
  });

  const put = (id: string, payload: object, caller: Caller = s.tokens['senior-analyst']) =>
    s.app.inject({ method: 'PUT', url: `/api/v1/problems/${id}`, headers: caller.headers, payload });
  const create = (payload: object, caller: Caller = s.tokens['senior-analyst']) =>
    s.app.inject({ method: 'POST', url: '/api/v1/problems', headers: caller.headers, payload });

  it('POST creates a problem: 201 {id, version}; it can be read back', async () => {
    const response = await create({ ...TINY_PROBLEM, id: 'second', title: 'A second problem' });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: 'second', version: 1 });
    const read = await s.app.inject({
      method: 'GET',
      url: '/api/v1/problems/second',
      headers: s.tokens.viewer.headers,
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      version: 1,
      problem: { id: 'second', title: 'A second problem' },
      assessment: { problem: 'second', leading: 'calm', counted: 0 },
    });
  });

  it('POST of an existing id is 400 PROBLEM_INVALID at /id (PUT stores versions); an invalid problem is 400 naming its fields; nothing is written', async () => {
    await expectNothingWritten(s, async () => {
      expectError(await create(TINY_PROBLEM), 400, 'PROBLEM_INVALID', '/id');
      const invalid = expectError(await create({ id: 'broken', title: 'Broken' }), 400, 'PROBLEM_INVALID');
      expect(invalid.issues?.map((i) => i.path)).toEqual(
        expect.arrayContaining(['/hypotheses', '/indicators']),
      );
      const badPrior = {
        ...TINY_PROBLEM,
        id: 'bad-prior',
        hypotheses: [{ id: 'calm', title: 'Calm', prior: 1.5 }],
      };
      expectError(await create(badPrior), 400, 'PROBLEM_INVALID');
    });
  });

  it('PUT stores a new version (200 {id, version: 2}); the same model again is no new version; an id mismatch is 400; an unknown problem 404', async () => {
    const changed = { ...TINY_PROBLEM, title: 'Is the bridge going to be blown? (revised)' };
    const response = await put('tiny', changed);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id: 'tiny', version: 2 });

    await expectNothingWritten(s, async () => {
      const same = await put('tiny', changed);
      expect(same.statusCode).toBe(200);
      expect(same.json()).toMatchObject({ id: 'tiny', version: 2, changed: false });
      expectError(await put('tiny', { ...changed, id: 'second' }), 400, 'PROBLEM_INVALID', '/id');
      expectError(
        await put('no-such-problem', { ...changed, id: 'no-such-problem' }),
        404,
        'PROBLEM_NOT_FOUND',
      );
    });

    const versions = await s.app.inject({
      method: 'GET',
      url: '/api/v1/problems/tiny/versions',
      headers: s.tokens.viewer.headers,
    });
    expect((versions.json() as { versions: { version: number }[] }).versions.map((v) => v.version)).toEqual([
      1, 2,
    ]);
    const read = await s.app.inject({
      method: 'GET',
      url: '/api/v1/problems/tiny',
      headers: s.tokens.viewer.headers,
    });
    expect(read.json()).toMatchObject({
      version: 2,
      problem: { title: 'Is the bridge going to be blown? (revised)' },
    });
  });

  it('GET /api/v1/problems lists every problem with level, pDangerous, leading and updatedAt', async () => {
    expect((await post(s, tinyReport('listed', s), s.tokens.analyst)).statusCode).toBe(201);
    const response = await s.app.inject({
      method: 'GET',
      url: '/api/v1/problems',
      headers: s.tokens.viewer.headers,
    });
    expect(response.statusCode).toBe(200);
    const { problems } = response.json() as {
      problems: {
        id: string;
        level: string;
        pDangerous: number;
        leading: string;
        updatedAt: string | null;
      }[];
    };
    expect(problems.map((p) => p.id).sort()).toEqual(['second', 'tiny']);
    for (const p of problems) {
      expect(p).toEqual(
        expect.objectContaining({
          level: expect.any(String),
          pDangerous: expect.any(Number),
          leading: expect.any(String),
        }),
      );
      expect(p).toHaveProperty('updatedAt');
    }
    const tiny = problems.find((p) => p.id === 'tiny')!;
    const assessment = assessJson(
      TINY,
      [reportAsServerHasIt(tinyReport('listed', s), s.clock.now().getTime())],
      { at: s.clock.now().getTime() },
    );
    expect(tiny.pDangerous).toBeCloseTo(assessment.pDangerous, 12);
    expect(tiny).toMatchObject({ level: assessment.level, leading: assessment.leading });
    expect(Date.parse(tiny.updatedAt!)).toBe(s.clock.now().getTime());
  });

  it('every read of an unknown problem is 404 PROBLEM_NOT_FOUND', async () => {
    for (const url of ['', '/assessment', '/ach', '/versions', '/reports']) {
      expectError(
        await s.app.inject({
          method: 'GET',
          url: `/api/v1/problems/no-such-problem${url}`,
          headers: s.tokens.viewer.headers,
        }),
        404,
        'PROBLEM_NOT_FOUND',
      );
    }
    for (const action of ['retract', 'regrade']) {
      const payload = { reason: 'none', reliability: 'A', credibility: '1' };
      const response = await s.app.inject({
        method: 'POST',
        url: `/api/v1/problems/no-such-problem/reports/r1/${action}`,
        headers: s.tokens['senior-analyst'].headers,
        payload: action === 'retract' ? { reason: 'none' } : payload,
      });
      expectError(response, 404, 'PROBLEM_NOT_FOUND');
    }
    const unknownReport = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports/no-such-report/retract',
      headers: s.tokens['senior-analyst'].headers,
      payload: { reason: 'none' },
    });
    expectError(unknownReport, 404, 'REPORT_NOT_FOUND');
  });
});

/** A posted report as the core sees it once the server has received it at `received`. */
function reportAsServerHasIt(posted: Record<string, unknown>, received: number): Report {
  const result = validateReport({ ...posted, received: new Date(received).toISOString() }, TINY);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.value;
}

/** Asserts that the API's assessment has the numbers of the core's: every member of `expected`, numbers to 1e-12. */
function expectSameAssessment(actual: unknown, expected: AssessmentJson): void {
  const { ignored: _ignored, ...numbers } = expected;
  const walk = (a: unknown, e: unknown, path: string): void => {
    if (typeof e === 'number') {
      expect(typeof a, path).toBe('number');
      expect(Math.abs((a as number) - e), `${path}: ${String(a)} vs ${e}`).toBeLessThan(1e-12);
    } else if (Array.isArray(e)) {
      expect(Array.isArray(a) && a.length, path).toBe(e.length);
      e.forEach((item, i) => walk((a as unknown[])[i], item, `${path}/${i}`));
    } else if (e !== null && typeof e === 'object') {
      for (const [key, value] of Object.entries(e))
        walk((a as Record<string, unknown>)[key], value, `${path}/${key}`);
    } else {
      expect(a, path).toEqual(e);
    }
  };
  walk(actual, numbers, '');
}

describe('assessments', () => {
  let s: TestServer;
  /** What was posted, and when the server received it. */
  const posted: { report: Record<string, unknown>; received: number }[] = [];
  const corrections: Correction[] = [];

  const assessment = async (query = '') => {
    const response = await s.app.inject({
      method: 'GET',
      url: `/api/v1/problems/tiny/assessment${query}`,
      headers: s.tokens.viewer.headers,
    });
    expect(response.statusCode).toBe(200);
    return response.json() as AssessmentJson;
  };
  const expected = (at: number) =>
    assessJson(
      TINY,
      posted.filter((p) => p.received <= at).map((p) => reportAsServerHasIt(p.report, p.received)),
      { at, corrections: corrections.filter((c) => c.at <= at) },
    );
  const postAt = async (minutes: number, report: Record<string, unknown>) => {
    s.clock.set(START + minutes * MINUTE);
    const response = await post(s, report);
    expect(response.statusCode).toBe(201);
    posted.push({ report, received: START + minutes * MINUTE });
  };

  beforeAll(async () => {
    s = await startTestServer();
    await postAt(1, tinyReport('a1', s, { reliability: 'A', credibility: '1' }));
    await postAt(20, tinyReport('a2', s, { indicator: 'trucks', reliability: 'B', credibility: '2' }));
    await postAt(
      40,
      tinyReport('a3', s, {
        indicator: 'trucks',
        reliability: 'A',
        credibility: '2',
        sensitivity: 0.9,
        falseAlarmRate: 0.05,
      }),
    );
    await postAt(60, tinyReport('a4', s, { observed: 'absent', reliability: 'C', credibility: '3' }));
    s.clock.set(START + 90 * MINUTE);
  });
  afterAll(async () => {
    await s.close();
  });

  it('now: equals the core assessJson on the same reports at the same instant', async () => {
    const now = s.clock.now().getTime();
    const answer = await assessment();
    expect(Date.parse(answer.at)).toBe(now);
    expectSameAssessment(answer, expected(now));
    expect(answer.counted).toBe(4);
  });

  it('?at= an earlier instant shows the state then', async () => {
    for (const minutes of [0, 1, 30, 59, 60]) {
      const at = START + minutes * MINUTE;
      const answer = await assessment(`?at=${new Date(at).toISOString()}`);
      expect(Date.parse(answer.at)).toBe(at);
      expectSameAssessment(answer, expected(at));
    }
    const early = await assessment(`?at=${new Date(START + 30 * MINUTE).toISOString()}`);
    const late = await assessment();
    expect(early.counted).toBe(2);
    expect(early.pDangerous).not.toBeCloseTo(late.pDangerous, 6);
    expectError(
      await s.app.inject({
        method: 'GET',
        url: '/api/v1/problems/tiny/assessment?at=yesterday',
        headers: s.tokens.viewer.headers,
      }),
      400,
      'REQUEST_INVALID',
      '/query/at',
    );
  });

  it('a retraction (senior-analyst) changes the assessment from then on, as the core computes it', async () => {
    const before = await assessment();
    s.clock.set(START + 100 * MINUTE);
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports/a3/retract',
      headers: s.tokens['senior-analyst'].headers,
      payload: { reason: 'the sensor was miscalibrated' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ seq: await s.head() });
    corrections.push({ kind: 'retracted', report: 'a3', at: START + 100 * MINUTE });

    const after = await assessment();
    expect(after.counted).toBe(3);
    expect(after.pDangerous).not.toBeCloseTo(before.pDangerous, 6);
    expectSameAssessment(after, expected(START + 100 * MINUTE));
    // Before the retraction, it still counted.
    expectSameAssessment(
      await assessment(`?at=${new Date(START + 95 * MINUTE).toISOString()}`),
      expected(START + 95 * MINUTE),
    );
  });

  it('a regrading (senior-analyst) changes the assessment from then on, as the core computes it', async () => {
    const before = await assessment();
    s.clock.set(START + 110 * MINUTE);
    const response = await s.app.inject({
      method: 'POST',
      url: '/api/v1/problems/tiny/reports/a2/regrade',
      headers: s.tokens['senior-analyst'].headers,
      payload: { reason: 'a second source confirms', reliability: 'A', credibility: '1' },
    });
    expect(response.statusCode).toBe(201);
    corrections.push({
      kind: 'regraded',
      report: 'a2',
      at: START + 110 * MINUTE,
      grades: { reliability: 'A', credibility: '1' },
    });

    const after = await assessment();
    expect(after.pDangerous).not.toBeCloseTo(before.pDangerous, 6);
    expectSameAssessment(after, expected(START + 110 * MINUTE));

    // Half the sensor rates is 400 naming the other; an analyst may not correct.
    expectError(
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/problems/tiny/reports/a2/regrade',
        headers: s.tokens['senior-analyst'].headers,
        payload: { reason: 'x', reliability: 'A', credibility: '1', sensitivity: 0.9 },
      }),
      400,
      'REQUEST_INVALID',
      '/falseAlarmRate',
    );
    expectError(
      await s.app.inject({
        method: 'POST',
        url: '/api/v1/problems/tiny/reports/a2/retract',
        headers: s.tokens.analyst.headers,
        payload: { reason: 'x' },
      }),
      403,
      'FORBIDDEN',
    );
  });

  it('GET /api/v1/problems/{id} holds the model and the same current assessment', async () => {
    const response = await s.app.inject({
      method: 'GET',
      url: '/api/v1/problems/tiny',
      headers: s.tokens.viewer.headers,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json() as { version: number; problem: Problem; assessment: AssessmentJson };
    expect(body.version).toBe(1);
    expect(body.problem).toEqual(TINY);
    expectSameAssessment(body.assessment, expected(s.clock.now().getTime()));
  });
});

describe('malformed requests', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.close();
  });

  const raw = (
    url: string,
    payload: string,
    contentType: string | undefined,
    method: 'POST' | 'PUT' = 'POST',
  ) =>
    s.app.inject({
      method,
      url,
      payload,
      headers: {
        ...s.tokens.admin.headers,
        ...(contentType !== undefined ? { 'content-type': contentType } : {}),
      },
    });

  it('a body too large is 413 BODY_TOO_LARGE (1 MiB; 32 MiB for reports)', async () => {
    await expectNothingWritten(s, async () => {
      expectError(
        await raw(
          '/api/v1/problems',
          JSON.stringify({ id: 'x', title: 'x'.repeat(1024 * 1024) }),
          'application/json',
        ),
        413,
        'BODY_TOO_LARGE',
      );
      expectError(
        await raw(
          '/api/v1/problems/tiny',
          JSON.stringify({ id: 'tiny', title: 'x'.repeat(1024 * 1024) }),
          'application/json',
          'PUT',
        ),
        413,
        'BODY_TOO_LARGE',
      );
      expectError(
        await raw(
          '/api/v1/problems/tiny/reports',
          JSON.stringify({ reports: [{ text: 'x'.repeat(33 * 1024 * 1024) }] }),
          'application/json',
        ),
        413,
        'BODY_TOO_LARGE',
      );
    });
    // A large batch under the reports limit is read (and here refused for its content, not its size).
    expectError(
      await raw(
        '/api/v1/problems/tiny/reports',
        JSON.stringify({ reports: [{ text: 'x'.repeat(2 * 1024 * 1024) }] }),
        'application/json',
      ),
      400,
      'REPORT_INVALID',
    );
  });

  it('a body that is not JSON is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const report = JSON.stringify(tinyReport('typed', s));
    await expectNothingWritten(s, async () => {
      for (const type of [
        'text/plain',
        'application/xml',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        undefined,
      ]) {
        expectError(await raw('/api/v1/problems/tiny/reports', report, type), 415, 'UNSUPPORTED_MEDIA_TYPE');
      }
      expectError(
        await raw('/api/v1/problems', JSON.stringify(TINY_PROBLEM), 'text/plain'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
      expectError(
        await s.app.inject({
          method: 'POST',
          url: '/api/v1/session',
          payload: 'username=admin&password=x',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
        }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });
    expect(
      (await raw('/api/v1/problems/tiny/reports', report, 'application/json; charset=utf-8')).statusCode,
    ).toBe(201);
  });

  it('invalid JSON is 400 REQUEST_INVALID; so is JSON that is not an object', async () => {
    await expectNothingWritten(s, async () => {
      for (const body of ['{"id": ', '{id: 1}', "{'a': 1}", '', '{"__proto__": {"admin": true}}']) {
        expectError(
          await raw('/api/v1/problems/tiny/reports', body, 'application/json'),
          400,
          'REQUEST_INVALID',
        );
        expectError(
          await raw('/api/v1/problems', body, 'application/json'),
          400,
          body === '' ? 'REQUEST_INVALID' : 'REQUEST_INVALID',
        );
      }
      for (const body of ['[]', '[{"id": "a"}]', 'null', '42', '"report"', 'true']) {
        expectError(
          await raw('/api/v1/problems/tiny/reports', body, 'application/json'),
          400,
          'REQUEST_INVALID',
          '',
        );
      }
    });
  });

  it('an unknown route is 404 NOT_FOUND; a bad query is 400 naming /query/...', async () => {
    expectError(
      await s.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: s.tokens.viewer.headers }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await s.app.inject({ method: 'PATCH', url: '/api/v1/problems/tiny', headers: s.tokens.admin.headers }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await s.app.inject({
        method: 'GET',
        url: '/api/v1/problems/tiny/assessment?colour=red',
        headers: s.tokens.viewer.headers,
      }),
      400,
      'REQUEST_INVALID',
      '/query/colour',
    );
    expectError(
      await s.app.inject({
        method: 'GET',
        url: '/api/v1/problems/tiny/reports?limit=0',
        headers: s.tokens.viewer.headers,
      }),
      400,
      'REQUEST_INVALID',
      '/query/limit',
    );
    expectError(
      await s.app.inject({
        method: 'GET',
        url: '/api/v1/events?from=abc',
        headers: s.tokens.auditor.headers,
      }),
      400,
      'REQUEST_INVALID',
      '/query/from',
    );
  });
});
